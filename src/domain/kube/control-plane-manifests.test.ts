import { describe, expect, test } from "bun:test";
import { validateKube } from "../../../test/support/kube-schemas.ts";
import { CONTROL_PLANE_TOKEN_SECRET, renderControlPlaneManifests } from "./control-plane-manifests.ts";
import { MANAGED_BY } from "./names.ts";

type Any = Record<string, any>;
const objects = renderControlPlaneManifests({ namespace: "team", image: "reg.example/remote:2" }) as unknown as Any[];
const byKind = (kind: string) => objects.find((o) => o.kind === kind) as Any;

describe("control plane manifests", () => {
  test("a Deployment, a ClusterIP Service, a ServiceAccount, a namespaced Role and its binding, all valid", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(["Deployment", "PersistentVolumeClaim", "Role", "RoleBinding", "Service", "ServiceAccount"]);
    for (const object of objects) {
      expect(() => validateKube(object)).not.toThrow();
      expect(object.metadata.namespace).toBe("team");
      expect(object.metadata.labels[MANAGED_BY]).toBe("remote");
    }
    expect(byKind("Service").spec.type).toBe("ClusterIP");
    expect(byKind("Service").spec.selector).toEqual(byKind("Deployment").spec.selector.matchLabels);
    // A ClusterRole would reach every namespace: the binding names the namespaced Role and our account.
    expect(byKind("RoleBinding").roleRef).toEqual({ apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "remote-control-plane" });
    expect(byKind("RoleBinding").subjects).toEqual([{ kind: "ServiceAccount", name: "remote-control-plane", namespace: "team" }]);
  });

  test("the Role grants only what the control plane does to session objects", () => {
    const granted = Object.fromEntries((byKind("Role").rules as Any[]).map((r) => [r.resources.join(), [...r.verbs].sort()]));
    expect(granted).toEqual({
      pods: ["create", "delete", "get", "list", "watch"],
      "pods/exec": ["create", "get"],
      "pods/log": ["get"],
      persistentvolumeclaims: ["create", "delete", "get", "list"],
      secrets: ["create", "delete", "get", "patch", "update"],
    });
    for (const rule of byKind("Role").rules as Any[]) {
      expect(rule.apiGroups).toEqual([""]);
      expect(rule.verbs).not.toContain("*");
    }
  });

  test("the Deployment runs our image with the restrictive security context, the token from a Secret", () => {
    const pod = byKind("Deployment").spec.template.spec;
    expect(pod.serviceAccountName).toBe("remote-control-plane");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.image).toBe("reg.example/remote:2");
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    }
    const serve = pod.containers[0].command as string[];
    expect(serve.slice(1, 2)).toEqual(["serve"]);
    // serve refuses plain http off loopback without --insecure, and a Host it was not told about.
    expect(serve).toContain("--insecure");
    expect(serve.join(" ")).toContain("--allow-host remote-control-plane,remote-control-plane.team,remote-control-plane.team.svc,");
    expect(pod.volumes).toContainEqual(expect.objectContaining({ name: "token", secret: expect.objectContaining({ secretName: CONTROL_PLANE_TOKEN_SECRET }) }));
    // The token itself is never rendered: no Secret object, no token-looking value.
    expect(JSON.stringify(objects)).not.toMatch(/[0-9a-f]{64}/);
  });

  test("the validator catches a broken Deployment (the check can fail)", () => {
    const deployment = byKind("Deployment");
    expect(() => validateKube({ ...deployment, spec: { ...deployment.spec, selector: undefined } })).toThrow(/selector/);
    expect(() => validateKube({ ...byKind("Role"), rules: [{ apiGroups: [""], resources: ["pods"] }] })).toThrow(/verbs/);
  });

  test("a bad namespace is refused", () => {
    expect(() => renderControlPlaneManifests({ namespace: "Team_1", image: "x" })).toThrow(/--namespace 'Team_1'/);
  });
});
