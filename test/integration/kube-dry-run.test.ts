import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../support/cli.ts";
import { validateKube } from "../support/kube-schemas.ts";
import { startServe } from "../support/serve.ts";

type Any = { apiVersion: string; kind: string; [field: string]: any };
const yamlDocs = (text: string) => (Bun.YAML.parse(text) as Any[] | Any) as Any[];
const containerOf = (objects: Any[]) => objects.find((o) => o.kind === "Pod")?.spec.containers[0];

describe("remote run --dry-run --target kubernetes", () => {
  test("prints valid manifests as multi-document YAML, honours --image, and starts nothing", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["run", "shell", "--target", "kubernetes", "--dry-run", "--image", "reg.example/s:9", "--namespace", "agents", "--context", "prod", "--cpu", "2", "--memory", "3Gi", "--", "-c", "echo hi"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const objects = yamlDocs(r.stdout);
    expect(objects.map((o) => o.kind)).toEqual(["PersistentVolumeClaim", "Secret", "Pod"]);
    for (const object of objects) {
      expect(() => validateKube(object)).not.toThrow();
      expect(object.metadata.namespace).toBe("agents");
      expect(object.metadata.labels["app.kubernetes.io/managed-by"]).toBe("remote");
    }
    const container = containerOf(objects);
    expect(container.image).toBe("reg.example/s:9");
    const session = JSON.parse(container.env.find((e: { name: string }) => e.name === "REMOTE_POD_SESSION").value);
    expect([session.command, ...session.args]).toEqual(["/bin/bash", "-c", "echo hi"]);
    expect(container.resources.limits).toEqual({ cpu: "2", memory: "3Gi" });
    // Path parity: the person's HOME and working directory.
    expect(container.env).toContainEqual({ name: "HOME", value: home.dir });
    expect(container.workingDir).toBe(process.cwd());
    // Nothing started, nothing recorded: the store was not even opened.
    expect(existsSync(join(home.env.REMOTE_HOME as string, "remote.db"))).toBe(false);
    expect((await cli(home.env, ["ls", "--json"])).stdout.trim()).toBe("[]");
  });

  test("--json prints one v1 List of the same objects; the image defaults to config container_image", async () => {
    using home = tempHome();
    const yaml = await cli(home.env, ["run", "claude", "--target", "kubernetes", "--dry-run"]);
    const json = await cli(home.env, ["run", "claude", "--target", "kubernetes", "--dry-run", "--json"]);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as { kind: string; items: Any[] };
    expect(list.kind).toBe("List");
    const fromYaml = yamlDocs(yaml.stdout);
    // Same objects but for the fresh session id each run draws.
    const withoutId = (objects: Any[]) => {
      const id = objects[0]?.metadata.labels["remote.dev/session-id"] as string;
      return JSON.parse(JSON.stringify(objects).replaceAll(id, "ID").replaceAll(`claude-${id.slice(0, 4)}`, "claude-ID"));
    };
    expect(withoutId(list.items)).toEqual(withoutId(fromYaml));
    expect(containerOf(list.items).image).toBe("localhost/remote-session:local");
    for (const object of list.items) expect(() => validateKube(object)).not.toThrow();

    await Bun.write(join(home.env.REMOTE_HOME as string, "config.toml"), 'container_image = "reg.example/team:3"\nkube_namespace = "team"\n');
    const configured = JSON.parse((await cli(home.env, ["run", "claude", "--target", "kubernetes", "--dry-run", "--json"])).stdout) as { items: Any[] };
    expect(containerOf(configured.items).image).toBe("reg.example/team:3");
    expect(configured.items.map((o) => o.metadata.namespace)).toEqual(["team", "team", "team"]);
  });

  test("bad input is a usage error before anything is rendered", async () => {
    using home = tempHome();
    const cases: [string[], string][] = [
      [["--target", "kube"], "Did you mean --target kubernetes?"],
      [["--target", "kubernetes", "--cpu", "lots"], "--cpu 'lots'"],
      [["--target", "kubernetes", "--memory", "1Mi"], "--memory '1Mi'"],
      [["--target", "kubernetes", "--namespace", "Bad_NS"], "--namespace 'Bad_NS'"],
      [["--image", "x"], "--image with --target local"],
      [["--target", "docker", "--context", "c"], "--context with --target docker"],
      [["--target", "kubernetes", "--json"], "--json"],
    ];
    for (const [flags, message] of cases) {
      const r = await cli(home.env, ["run", "shell", ...flags, ...(flags.includes("--json") ? [] : ["--dry-run"])]);
      expect({ flags, code: r.code, stdout: r.stdout }).toEqual({ flags, code: 2, stdout: "" });
      expect(r.stderr).toContain(message);
    }
  });
});

describe("remote serve --print-manifests", () => {
  test("prints valid control-plane manifests and serves nothing", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["serve", "--print-manifests", "--namespace", "team", "--image", "reg.example/remote:2"]);
    expect(r.code).toBe(0);
    const objects = yamlDocs(r.stdout);
    expect(objects.map((o) => o.kind)).toEqual(["ServiceAccount", "Role", "RoleBinding", "PersistentVolumeClaim", "Service", "Deployment"]);
    for (const object of objects) expect(() => validateKube(object)).not.toThrow();
    expect(r.stderr).toContain("kubectl -n team create secret generic remote-control-plane-token");
    // It listened nowhere and made no token.
    expect(existsSync(join(home.env.REMOTE_HOME as string, "token"))).toBe(false);
    const json = JSON.parse((await cli(home.env, ["serve", "--print-manifests", "--json"])).stdout) as { items: Any[] };
    expect(json.items.map((o) => o.metadata.namespace)).toEqual(Array(6).fill("default"));
  });

  test("the Deployment's serve command line is one serve accepts, answering the Service's names", async () => {
    using home = tempHome();
    const objects = yamlDocs((await cli(home.env, ["serve", "--print-manifests", "--namespace", "team"])).stdout);
    const command = objects.find((o) => o.kind === "Deployment")?.spec.template.spec.containers[0].command as string[];
    // Its flags but the address, port and data dir, which the test picks (loopback, a free port, a temp dir).
    const flags = command.slice(2).filter((_, i, all) => !["--host", "--port", "--data"].includes(all[i] as string) && !["--host", "--port", "--data"].includes(all[i - 1] as string));
    expect(flags).toContain("--insecure");
    const serve = await startServe(home, flags);
    try {
      const port = new URL(serve.url).port;
      for (const name of ["remote-control-plane", "remote-control-plane.team.svc", "remote-control-plane.team.svc.cluster.local"]) {
        expect({ name, status: (await serve.api("/sessions", { headers: { host: `${name}:${port}` } })).status }).toEqual({ name, status: 200 });
      }
      const asStranger = await serve.api("/sessions", { headers: { host: `evil.example:${port}` } });
      expect(asStranger.status).not.toBe(200);
    } finally {
      await serve.stop();
    }
  });

  test("its flags without --print-manifests are refused", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["serve", "--namespace", "team"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("only with --print-manifests");
  });
});
