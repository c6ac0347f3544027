/**
 * PluginHomePort contract: one suite on a HOME here (node:fs), inside a real podman
 * container (the engine's exec) and inside a Pod of the fake Kubernetes API (the real
 * kubectl's exec over its WebSocket, stdin included): read/write with modes, one backup,
 * a tree copied in with its links, realpath, remove, a command run in HOME.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createContainerTarget } from "../../src/adapters/docker/container-target.ts";
import { createKubeTarget } from "../../src/adapters/kubectl/kube-target.ts";
import { createKubectl } from "../../src/adapters/kubectl/kubectl-adapter.ts";
import { createExecPluginHome } from "../../src/adapters/plugin-home/exec-home.ts";
import { createLocalPluginHome } from "../../src/adapters/plugin-home/local-home.ts";
import type { PluginHomePort } from "../../src/domain/plugins/home-port.ts";
import { CONTAINER_BINARY, CONTAINER_HOME, type PodSpec, type TargetHandle } from "../../src/domain/target.ts";
import type { TargetPort } from "../../src/domain/target-port.ts";
import { remoteCommand } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine } from "../support/container-engine.ts";
import { startFakeKubeApi } from "../support/fake-kube-api.ts";
import { processRuntime } from "../support/fake-kube-pods.ts";

/** A directory of this machine to copy in: a file, a nested script and a relative link to it (as npm's bin/ has). */
function sampleTree(): string {
  const dir = mkdtempSync(join(tmpdir(), "plugin-tree-"));
  mkdirSync(join(dir, "lib/pkg/dist"), { recursive: true });
  writeFileSync(join(dir, "lib/pkg/dist/mcp.js"), "console.log('mcp')\n");
  mkdirSync(join(dir, "bin"));
  symlinkSync("../lib/pkg/dist/mcp.js", join(dir, "bin/pkg-mcp"));
  return dir;
}

function contract(name: string, open: () => PluginHomePort) {
  describe(`PluginHomePort: ${name}`, () => {
    test("read, write with a mode, replace", async () => {
      const home = open();
      expect(await home.read("a/b.json")).toBeUndefined();
      await home.write("a/b.json", '{"x":1}\n', 0o640);
      expect(await home.read("a/b.json")).toEqual({ text: '{"x":1}\n', mode: 0o640 });
      await home.write("a/b.json", "second\n", 0o600);
      expect(await home.read("a/b.json")).toEqual({ text: "second\n", mode: 0o600 });
      // Several at once, in order, bytes counted right (a multi-byte character, no final newline).
      await home.write("u.txt", "é→x", 0o644);
      expect(await home.readAll(["u.txt", "none", "a/b.json"])).toEqual([{ text: "é→x", mode: 0o644 }, undefined, { text: "second\n", mode: 0o600 }]);
      expect(await home.readAll([])).toEqual([]);
    }, 60_000);

    test("one backup: made once, never overwritten; none of a file that is not there", async () => {
      const home = open();
      await home.write("c.toml", "first\n", 0o644);
      await home.backupOnce("c.toml", "c.toml.bak");
      await home.write("c.toml", "changed\n", 0o644);
      await home.backupOnce("c.toml", "c.toml.bak");
      expect(await home.read("c.toml.bak")).toEqual({ text: "first\n", mode: 0o644 });
      await home.backupOnce("none.json", "none.json.bak");
      expect(await home.read("none.json.bak")).toBeUndefined();
    }, 60_000);

    test("a tree copied in keeps its links; realpath resolves through them; remove", async () => {
      const home = open();
      const tree = sampleTree();
      try {
        await home.copyIn(tree, "prefix");
        expect((await home.read("prefix/lib/pkg/dist/mcp.js"))?.text).toBe("console.log('mcp')\n");
        expect(await home.realpath("prefix/bin/pkg-mcp")).toBe(`${home.home}/prefix/lib/pkg/dist/mcp.js`);
        expect(await home.realpath("prefix/nothing")).toBeUndefined();
        await home.remove("prefix/lib/pkg");
        expect(await home.read("prefix/lib/pkg/dist/mcp.js")).toBeUndefined();
      } finally {
        rmSync(tree, { recursive: true, force: true });
      }
    }, 60_000);

    test("run: argv in HOME with HOME set", async () => {
      const home = open();
      const out = await home.run(["sh", "-c", 'pwd; echo "$HOME"; exit 4']);
      expect(out.code).toBe(4);
      expect(out.stdout.trim().split("\n")).toEqual([home.home, home.home]);
    }, 60_000);
  });
}

const localHome = mkdtempSync(join(tmpdir(), "plugin-home-"));
afterAll(() => rmSync(localHome, { recursive: true, force: true }));
contract("a HOME here", () => createLocalPluginHome({ home: localHome, env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } }));

const execHome = (target: () => TargetPort, handle: () => TargetHandle, home: string) => () => createExecPluginHome({ exec: (argv, stdin) => target().exec(handle(), argv, stdin), home, label: `${handle().container}:~` });

describe.skipIf(engineMissingReason !== undefined)("in a podman container", () => {
  let conf = "";
  let handle: TargetHandle | undefined;
  let target: TargetPort | undefined;
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
    const env = { ...(process.env as Record<string, string>), CONTAINERS_CONF: conf };
    target = createContainerTarget({ engine: "podman", binary: "podman", env, network: "none" });
    // A container that just stays up (its own sleep, not a session host): exec is what is tested.
    const name = `remote-plugin-home-${process.pid}`;
    const started = await podmanOut(conf, ["run", "--detach", "--name", name, "--network", "none", TEST_IMAGE, "sleep", "600"]);
    expect(started.code).toBe(0);
    handle = { kind: "docker", engine: "podman", container: name, image: TEST_IMAGE };
  }, 180_000);
  afterAll(async () => {
    if (handle) await podmanOut(conf, ["rm", "--force", handle.container]);
  });
  contract("inside a container (podman exec)", execHome(() => target as TargetPort, () => handle as TargetHandle, CONTAINER_HOME));
});

describe.if(Bun.which("kubectl") !== null)("in a Pod of the fake Kubernetes API", () => {
  const api = startFakeKubeApi({ runtime: processRuntime({ programs: { [CONTAINER_BINARY]: remoteCommand() } }) });
  const podHome = mkdtempSync(join(tmpdir(), "plugin-pod-home-"));
  const kube = createKubeTarget({ kubectl: createKubectl({ env: { ...process.env, ...api.env } }), namespace: "agents", home: podHome });
  let handle: TargetHandle | undefined;
  beforeAll(async () => {
    const pod: PodSpec = { sessionId: "plughome", name: "shell-plughome", profile: "shell", command: "/bin/sh", args: [], cwd: podHome, cols: 80, rows: 24 };
    handle = await kube.create({ sessionId: pod.sessionId, name: pod.name, profile: "shell", image: TEST_IMAGE, podSpec: JSON.stringify(pod), env: {} });
  }, 60_000);
  afterAll(async () => {
    if (handle) await kube.remove(handle);
    await api.close();
    rmSync(podHome, { recursive: true, force: true });
  });
  contract("inside a Pod (kubectl exec)", execHome(() => kube, () => handle as TargetHandle, podHome));
});
