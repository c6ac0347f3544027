/**
 * A container or Pod session whose image lacks the agent's CLI says so plainly on both ends,
 * as a local start does: the session image built by `npm run image:local` has only a shell,
 * so `claude` there is missing. Real podman (the docker target, and the fake Kubernetes API's
 * Pods as podman containers), real kubectl, a real `remote serve` for the laptop's view.
 * Exit 1, the agent and the image named with the hint, nothing left, `ls` keeping the reason.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, repoRoot, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine, removeContainersOf, withEngine } from "../support/container-engine.ts";
import { startFakeKubeApi, type FakeKubeApi } from "../support/fake-kube-api.ts";
import { sharedPodman } from "../support/fake-kube-podman.ts";
import { podmanRuntime } from "../support/fake-kube-pods.ts";
import { startServe } from "../support/serve.ts";

type Listed = { id: string; state: string; reason: string | null; target: string };
const listed = async (env: Record<string, string>) => JSON.parse((await cli(env, ["ls", "--json"])).stdout) as Listed[];

const MISSING = `'claude' is not on the PATH of image '${TEST_IMAGE}'`;

/** What every end says: the agent, the image, how to fix it; not the old "may have ended". */
const saysAgentMissing = (stderr: string, where: string) => {
  expect(stderr).toContain(`remote: Cannot start claude in ${where} 'remote-`);
  expect(stderr).toContain(MISSING);
  expect(stderr).toContain("hint: Use an image with 'claude' installed: `npm run image`");
  expect(stderr).not.toContain("may have ended");
  expect(stderr).not.toContain("this is a bug");
};

describe("inside: `remote __pod` says why it cannot start its agent, with a code its creator reads back (no engine needed)", () => {
  const podRun = async (home: ReturnType<typeof tempHome>, path: string) => {
    const spec = { sessionId: "abcd1234", name: "inside", profile: "claude", command: "claude", args: [], cwd: home.dir, cols: 80, rows: 24, image: "reg.example/agents:1" };
    return cli({ ...home.env, PATH: path, REMOTE_POD_SESSION: JSON.stringify(spec) }, ["__pod"]);
  };

  test("the agent not on the image's PATH: AGENT_MISSING before anything waits", async () => {
    using home = tempHome();
    const r = await podRun(home, "/usr/bin:/bin");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      "remote: Cannot start claude in image 'reg.example/agents:1': 'claude' is not on its PATH\n" +
        "hint: Use an image with 'claude' installed: `npm run image` builds one with claude, codex, gemini and opencode (images/session/Containerfile; README \"Targets: containers and Kubernetes\"); `npm run image:local` has only a shell. Choose it with --image or config.toml container_image.\n" +
        "code: AGENT_MISSING\n",
    );
  });

  test("an agent that is there but cannot run (its interpreter is missing): its own words, not a bug", async () => {
    using home = tempHome();
    const bin = `${home.dir}/bin`;
    mkdirSync(bin);
    writeFileSync(`${bin}/claude`, "#!/nonexistent/interpreter\n");
    chmodSync(`${bin}/claude`, 0o755);
    const r = await podRun(home, `${bin}:/usr/bin:/bin`);
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("remote: Cannot start claude in image 'reg.example/agents:1': ");
    expect(r.stderr).toContain("\nhint: Check that the image can run it");
    expect(r.stderr).toEndWith("\ncode: AGENT_START_FAILED\n");
    expect(r.stderr).not.toContain("this is a bug");
  });
});

if (engineMissingReason) console.warn(`skipping agent-missing container tests: ${engineMissingReason}`);

describe.skipIf(engineMissingReason !== undefined)("an image without the agent's CLI (real podman)", () => {
  let conf = "";
  const made: string[] = [];
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
  }, 180_000);
  afterAll(async () => {
    await removeContainersOf(conf, made);
  });

  const nothingLeft = async (id: string) => {
    expect((await podmanOut(conf, ["ps", "--all", "--quiet", "--filter", `label=remote.dev/session-id=${id}`])).stdout).toBe("");
    expect((await podmanOut(conf, ["volume", "inspect", `remote-${id}-data`])).code).not.toBe(0);
  };

  test("docker: exit 1 naming claude, the image and the fix; no container or volume left; ls keeps the reason", async () => {
    using home = tempHome();
    const env = withEngine(home.env, conf);
    const r = await cli(env, ["run", "claude", "--target", "docker", "--image", TEST_IMAGE, "--detach", "--no-auth"]);
    expect(r.code).toBe(1);
    saysAgentMissing(r.stderr, "container");
    const [session] = await listed(env);
    made.push(session?.id as string);
    expect(session).toMatchObject({ state: "failed", target: "docker" });
    expect(session?.reason).toContain(MISSING);
    await nothingLeft(session?.id as string);
  }, 60_000);

  test("through `remote serve` (default target docker): POST /sessions answers the error's code, message and hint, and the laptop prints it", async () => {
    using server = tempHome("remote-serve-missing-");
    const env = withEngine(server.env, conf);
    writeFileSync(join(env.REMOTE_HOME as string, "config.toml"), `container_network = "none"\ncontainer_engine = "podman"\ndefault_target = "docker"\ncontainer_image = "${TEST_IMAGE}"\n`);
    const serve = await startServe({ env });
    try {
      const answer = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "claude" }) });
      const body = (await answer.json()) as { code: string; message: string; hint?: string };
      expect(answer.status).toBe(503);
      expect(body.code).toBe("AGENT_MISSING");
      expect(body.message).toContain(MISSING);
      expect(body.hint).toContain("npm run image");

      using laptop = tempHome("remote-laptop-missing-");
      const r = await cli({ ...laptop.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token }, ["run", "claude", "--remote", serve.url, "--detach", "--no-auth"]);
      expect(r.code).toBe(1);
      saysAgentMissing(r.stderr, "container");
      const sessions = (await listed(env)).filter((s) => s.target === "docker");
      made.push(...sessions.map((s) => s.id));
      expect(sessions).toHaveLength(2);
      for (const s of sessions) {
        expect(s.reason).toContain(MISSING);
        await nothingLeft(s.id);
      }
    } finally {
      await serve.stop();
    }
  }, 90_000);

  test("`migrate forward --target docker` into it: the laptop prints the same error, exit 1", async () => {
    using far = tempHome("remote-mig-far-missing-");
    using laptop = tempHome("remote-mig-laptop-missing-");
    const farEnv = withEngine(far.env, conf);
    writeFileSync(join(farEnv.REMOTE_HOME as string, "config.toml"), `container_network = "none"\ncontainer_engine = "podman"\ncontainer_image = "${TEST_IMAGE}"\n`);
    const serve = await startServe({ env: farEnv });
    try {
      const fakeBin = join(repoRoot, "test", "fixtures", "bin");
      const env = { ...laptop.env, PATH: `${fakeBin}:${laptop.env.PATH}`, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
      const work = join(laptop.dir, "project");
      mkdirSync(work);
      writeFileSync(join(work, "notes.txt"), "line one\n");
      expect((await cli(env, ["-p", "first task here"], { cwd: work, command: [join(fakeBin, "claude")] })).code).toBe(0);
      const forward = await cli(env, ["migrate", "forward", "claude", "--target", "docker", "--no-attach", "--no-auth"], { cwd: work });
      expect(forward.code).toBe(1);
      saysAgentMissing(forward.stderr, "container");
      const sessions = await listed(farEnv);
      made.push(...sessions.map((s) => s.id));
      for (const s of sessions) await nothingLeft(s.id);
    } finally {
      await serve.stop();
    }
  }, 120_000);
});

const hasKubectl = Bun.which("kubectl") !== null;
const kubeSkip = engineMissingReason ?? (hasKubectl ? undefined : "kubectl is not on PATH");

describe.skipIf(kubeSkip !== undefined)("an image without the agent's CLI, on kubernetes (fake API, Pods as podman containers)", () => {
  let api: FakeKubeApi;
  beforeAll(async () => {
    const conf = (await prepareEngine()).containersConf;
    api = startFakeKubeApi({ runtime: podmanRuntime(sharedPodman(conf)) });
  }, 180_000);
  afterAll(() => api?.close());

  test("exit 1 naming claude, the pod, the image and the fix; no Pod, Secret or claim left; ls keeps the reason", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const r = await cli(env, ["run", "claude", "--target", "kubernetes", "--namespace", "missing", "--image", TEST_IMAGE, "--detach", "--no-auth"], { cwd: home.dir });
    expect(r.code).toBe(1);
    saysAgentMissing(r.stderr, "pod");
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(api.objects(plural, "missing")).toEqual([]);
    const [session] = await listed(env);
    expect(session).toMatchObject({ state: "failed", target: "kubernetes" });
    expect(session?.reason).toContain(MISSING);
  }, 90_000);
});
