import { describe, expect, test } from "bun:test";
import { validateKube } from "../../../test/support/kube-schemas.ts";
import { CREDENTIALS_MOUNT, SESSION_ENTRYPOINT } from "./entrypoint.ts";
import { MANAGED_BY, PROFILE_LABEL, SESSION_ID_LABEL, isDnsLabel } from "./names.ts";
import { renderSessionManifests, sessionManifestList, type SessionManifestSpec } from "./session-manifests.ts";

const TOKEN = "sk-ant-oat01-very-secret-token-value";
const AWS = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG";
const spec: SessionManifestSpec = {
  sessionId: "k3x9a0qz",
  profile: "claude",
  name: "fix-the-tests",
  image: "registry.example/remote-session:1.2",
  namespace: "agents",
  cpu: "1500m",
  memory: "4Gi",
  workspace: "/home/ada/src/app",
  home: "/home/ada",
  command: "claude",
  args: ["--model", "opus", "Task with spaces; and $(no shell)"],
  credentials: new Map([
    [".claude/.credentials.json", new TextEncoder().encode(`{"accessToken":"${TOKEN}"}`)],
    [".aws/credentials", new TextEncoder().encode(AWS)],
  ]),
};

type Any = Record<string, any>;
const rendered = () => renderSessionManifests(spec) as unknown as { pod: Any; volume: Any; credentials: Any };
const container = () => rendered().pod.spec.containers[0];

describe("session manifests", () => {
  test("every object validates against the official Kubernetes schemas", () => {
    for (const object of sessionManifestList(renderSessionManifests(spec))) expect(() => validateKube(object)).not.toThrow();
    // With no --cpu/--memory, no credentials and the workspace equal to HOME too.
    const bare = renderSessionManifests({ ...spec, cpu: undefined, memory: undefined, credentials: new Map(), workspace: "/home/ada" });
    for (const object of sessionManifestList(bare)) expect(() => validateKube(object)).not.toThrow();
  });

  test("the validator catches a missing or malformed field (the check can fail)", () => {
    const { pod, volume } = rendered();
    const noImageName = { ...pod, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0], name: undefined }] } };
    expect(() => validateKube(noImageName)).toThrow(/name/);
    const badQuantity = { ...volume, spec: { ...volume.spec, resources: { requests: { storage: "ten gigs" } } } };
    expect(() => validateKube(badQuantity)).toThrow(/quantity/);
    const badUser = { ...pod, spec: { ...pod.spec, securityContext: { ...pod.spec.securityContext, runAsUser: "root" } } };
    expect(() => validateKube(badUser)).toThrow(/runAsUser/);
  });

  test("names are DNS-1123 labels derived from the session id; every object carries our labels", () => {
    const { pod, volume, credentials } = rendered();
    expect([pod.metadata.name, volume.metadata.name, credentials.metadata.name]).toEqual(["remote-k3x9a0qz", "remote-k3x9a0qz-data", "remote-k3x9a0qz-credentials"]);
    for (const object of [pod, volume, credentials]) {
      expect(isDnsLabel(object.metadata.name)).toBe(true);
      expect(object.metadata.namespace).toBe("agents");
      expect(object.metadata.labels).toMatchObject({ [MANAGED_BY]: "remote", [SESSION_ID_LABEL]: "k3x9a0qz", [PROFILE_LABEL]: "claude" });
    }
    expect(() => renderSessionManifests({ ...spec, sessionId: "Bad_Id" })).toThrow(/session id 'Bad_Id'/);
    expect(() => renderSessionManifests({ ...spec, namespace: "Not A Namespace" })).toThrow(/--namespace/);
  });

  test("a restrictive security context: non-root 1000, no escalation, no capabilities, RuntimeDefault seccomp, read-only root", () => {
    const pod = rendered().pod;
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
    expect(container().securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    // The read-only root still leaves /tmp writable.
    expect(container().volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
  });

  test("the entrypoint is our binary in session-host mode, the agent's argv in REMOTE_POD_SESSION, one element per argument", () => {
    expect(container().command).toEqual([...SESSION_ENTRYPOINT]);
    expect(container().args).toBeUndefined();
    expect(container().image).toBe("registry.example/remote-session:1.2");
    expect(JSON.parse(container().env.find((e: { name: string }) => e.name === "REMOTE_POD_SESSION").value)).toMatchObject({ sessionId: "k3x9a0qz", command: "claude", args: ["--model", "opus", "Task with spaces; and $(no shell)"] });
  });

  test("a session the control plane prepares through exec (a workspace, a conversation) says so to its entrypoint, which then waits", () => {
    const session = (manifests: Any) => JSON.parse(manifests.pod.spec.containers[0].env.find((e: { name: string }) => e.name === "REMOTE_POD_SESSION").value);
    expect(session(renderSessionManifests({ ...spec, prepared: "exec" }) as unknown as Any).prepared).toBe("exec");
    expect(session(rendered()).prepared).toBeUndefined();
  });

  test("path parity: HOME and the workspace are mounted from one claim at the laptop's paths, parent first", () => {
    const { pod, volume } = rendered();
    expect(volume.spec.accessModes).toEqual(["ReadWriteOnce"]);
    expect(pod.spec.volumes).toContainEqual({ name: "data", persistentVolumeClaim: { claimName: "remote-k3x9a0qz-data" } });
    const dataMounts = container().volumeMounts.filter((m: Any) => m.name === "data");
    expect(dataMounts).toEqual([
      { name: "data", mountPath: "/home/ada", subPath: "home" },
      { name: "data", mountPath: "/home/ada/src/app", subPath: "workspace" },
    ]);
    expect(container().workingDir).toBe("/home/ada/src/app");
    expect(container().env).toContainEqual({ name: "HOME", value: "/home/ada" });
    expect(() => renderSessionManifests({ ...spec, workspace: "relative/dir" })).toThrow(/clean absolute path/);
    expect(() => renderSessionManifests({ ...spec, home: "/home/ada/../eve" })).toThrow(/clean absolute path/);
  });

  test("resources from --cpu/--memory: requested and capped; without them a modest request and no limit", () => {
    expect(container().resources).toEqual({ requests: { cpu: "1500m", memory: "4Gi" }, limits: { cpu: "1500m", memory: "4Gi" } });
    const bare = renderSessionManifests({ ...spec, cpu: undefined, memory: undefined }) as unknown as { pod: Any };
    expect(bare.pod.spec.containers[0].resources).toEqual({ requests: { cpu: "250m", memory: "512Mi" } });
    expect(() => renderSessionManifests({ ...spec, memory: "lots" })).toThrow(/--memory 'lots'/);
  });

  test("credentials only in the Secret's data, mounted read-only and put back at their HOME paths", () => {
    const { pod, volume, credentials } = rendered();
    const decoded = Object.values(credentials.data as Record<string, string>).map((v) => Buffer.from(v, "base64").toString());
    expect(decoded).toContain(AWS);
    expect(decoded.join("")).toContain(TOKEN);
    // Nowhere else: not in the Pod (env, args, labels, annotations), the claim or the Secret's metadata.
    const elsewhere = JSON.stringify([pod, volume, credentials.metadata]);
    for (const secret of [TOKEN, AWS, Buffer.from(AWS).toString("base64")]) expect(elsewhere).not.toContain(secret);
    const mount = container().volumeMounts.find((m: Any) => m.name === "credentials");
    expect(mount).toEqual({ name: "credentials", mountPath: CREDENTIALS_MOUNT, readOnly: true });
    const source = pod.spec.volumes.find((v: Any) => v.name === "credentials").secret;
    expect(source.defaultMode).toBe(0o400);
    // No items: every key is a file named by its encoded path, so a Secret updated with other files still lands each at its own path.
    expect(source.items).toBeUndefined();
    expect(Object.keys(credentials.data)).toEqual([".aws_2fcredentials", ".claude_2f.credentials.json"]);
    // The entrypoint is told to copy them from the mount (and is not, without credentials).
    const session = (p: Any) => JSON.parse(p.spec.containers[0].env.find((e: Any) => e.name === "REMOTE_POD_SESSION").value);
    expect(session(pod).credentials).toBe("mount");
    expect(session(renderSessionManifests({ ...spec, credentials: new Map() }).pod as Any).credentials).toBeUndefined();
  });

  test("a redacted bundle keeps the Secret's keys and no value", () => {
    const redacted = renderSessionManifests({ ...spec, redactCredentials: true }) as unknown as { credentials: Any; pod: Any };
    expect(redacted.credentials.data).toEqual({ ".aws_2fcredentials": "", ".claude_2f.credentials.json": "" });
    expect(() => validateKube(redacted.credentials)).not.toThrow();
    expect(JSON.stringify(redacted)).not.toContain(Buffer.from(AWS).toString("base64"));
  });

  test("a credential path that would leave HOME is refused", () => {
    for (const path of ["/etc/passwd", "../.ssh/id_rsa", ".claude//x", "a/./b"]) {
      expect(() => renderSessionManifests({ ...spec, credentials: new Map([[path, new Uint8Array([1])]]) })).toThrow(/relative to HOME/);
    }
  });
});
