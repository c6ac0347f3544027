/**
 * `remote migrate forward --target docker|kubernetes` and back, with real containers: the far
 * control plane is a `remote serve` whose sessions run in real podman containers (docker
 * target) or in Pods of the fake API server that are real podman containers (the real
 * kubectl). The session image carries the fake claude (test/fixtures/bin), which keeps its
 * conversation where the real one does. Path parity: the far claude runs in the laptop's
 * folder path with the laptop's HOME path, so it finds the conversation under the same
 * project key and resumes it; a turn there and a file edited there come home: the laptop's
 * transcript has every message of both sides, the file arrives by the 3-way merge.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import type { TargetHandle } from "../../src/domain/target.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { cli, repoRoot, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine, removeContainersOf } from "../support/container-engine.ts";
import { startFakeKubeApi, type FakeKubeApi } from "../support/fake-kube-api.ts";
import { sharedPodman } from "../support/fake-kube-podman.ts";
import { podmanRuntime } from "../support/fake-kube-pods.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

const IMAGE = "localhost/remote-session:fake-agents";
const fakeBin = join(repoRoot, "test", "fixtures", "bin");
const hasKubectl = Bun.which("kubectl") !== null;

/** The session image with the fake claude (and the few tools its script uses that the image lacks), built on top without pulling. */
async function buildFakeAgentImage(conf: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fake-agents-image-"));
  try {
    mkdirSync(join(dir, "fixtures"));
    for (const sub of ["bin", "lib"]) Bun.spawnSync(["cp", "-r", join(repoRoot, "test", "fixtures", sub), join(dir, "fixtures", sub)]);
    const tools = ["readlink", "dirname", "basename"].map((t) => Bun.which(t, { PATH: "/usr/bin:/bin" }) as string);
    for (const tool of tools) Bun.spawnSync(["cp", tool, join(dir, tool.split("/").pop() as string)]);
    // On PATH as the real one is; the script finds its library next to where it really lives.
    writeFileSync(join(dir, "claude"), '#!/bin/bash\nexec /opt/fake/bin/claude "$@"\n', { mode: 0o755 });
    writeFileSync(join(dir, "Containerfile"), `FROM ${TEST_IMAGE}\nCOPY fixtures /opt/fake\nCOPY claude /usr/local/bin/claude\n${tools.map((t) => `COPY ${t.split("/").pop()} /usr/bin/`).join("\n")}\n`);
    const built = Bun.spawn(["podman", "build", "--pull=never", "--quiet", "-t", IMAGE, dir], { env: { ...process.env, CONTAINERS_CONF: conf }, stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(built.stderr).text(), built.exited]);
    if (code !== 0) throw new Error(`podman build failed: ${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const transcriptIn = (home: string, cwd: string, id: string) => join(home, ".claude", "projects", claudeProjectKey(cwd), `${id}.jsonl`);
const messagesOf = (text: string) => text.trim().split("\n").map((line) => (JSON.parse(line) as { message: { content: string } }).message.content);

type Far = {
  readonly serve: ServeProcess;
  /** The serving machine's own env (its REMOTE_HOME): `remote` run there directly. */
  readonly farEnv: Record<string, string>;
  readonly laptopEnv: Record<string, string>;
  readonly laptopDir: string;
  readonly exec: (sessionId: string, args: readonly string[]) => Promise<{ code: number; stdout: string }>;
};

/** argv in a Pod through the real kubectl against the fake API. */
async function kubectlExec(env: Record<string, string>, pod: string, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const proc = Bun.spawn(["kubectl", "--namespace", "podman", "exec", pod, "--", ...args], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, stdout: stdout.trim() };
}

/** kubectl get against the fake API. */
async function kubectlGet(env: Record<string, string>, args: readonly string[]): Promise<{ code: number; stdout: string }> {
  const proc = Bun.spawn(["kubectl", "--namespace", "podman", "get", ...args], { env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, stdout: stdout.trim() };
}

if (engineMissingReason) console.warn(`skipping container migration tests: ${engineMissingReason}`);

describe.skipIf(engineMissingReason !== undefined)("remote migrate into a container and back (real podman)", () => {
  let conf = "";
  let api: FakeKubeApi | undefined;
  const made: string[] = [];
  const homes: { [Symbol.dispose]: () => void }[] = [];
  const serves: ServeProcess[] = [];
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
    await buildFakeAgentImage(conf);
    if (hasKubectl) api = startFakeKubeApi({ runtime: podmanRuntime(sharedPodman(conf)) });
  }, 300_000);
  afterAll(async () => {
    for (const serve of serves) await serve.stop();
    api?.close();
    await removeContainersOf(conf, made);
    for (const home of homes) home[Symbol.dispose]();
  });

  /** A laptop HOME with a far control plane (its own data dir and HOME) whose sessions run on `target`. */
  async function farSide(target: "docker" | "kubernetes"): Promise<Far> {
    const laptop = tempHome("remote-mig-laptop-");
    const far = tempHome("remote-mig-far-");
    homes.push(laptop, far);
    mkdirSync(far.env.REMOTE_HOME as string, { recursive: true, mode: 0o700 });
    writeFileSync(join(far.env.REMOTE_HOME as string, "config.toml"), `container_network = "none"\ncontainer_engine = "podman"\ncontainer_image = "${IMAGE}"\nkube_namespace = "podman"\n`);
    const farEnv = { ...far.env, CONTAINERS_CONF: conf, ...(target === "kubernetes" && api ? api.env : {}) };
    const serve = await startServe({ env: farEnv });
    serves.push(serve);
    const laptopEnv = { ...laptop.env, PATH: `${fakeBin}:${laptop.env.PATH}`, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
    // A docker session's container and a session's Pod are both remote-<id>.
    const exec = (sessionId: string, args: readonly string[]) => (target === "docker" ? podmanOut(conf, ["exec", `remote-${sessionId}`, ...args]) : kubectlExec(api?.env ?? {}, `remote-${sessionId}`, args));
    return { serve, farEnv, laptopEnv, laptopDir: laptop.dir, exec };
  }

  /**
   * `outsideHome`: the project folder is not under the laptop's HOME (a docker session then gives it a volume of its own).
   * `ending`: how the far session ends before `migrate back`: stopped by back itself (through the control plane), its agent
   * exiting by itself (`/exit`: nothing can be exec'd, nothing was kept), or `remote stop` run on the serving machine directly.
   */
  async function roundTrip(target: "docker" | "kubernetes", outsideHome = false, ending: "by-back" | "agent-exit" | "stopped-there" = "by-back") {
    const far0 = await farSide(target);
    const { serve, exec } = far0;
    // The laptop's HOME: its temp dir, or a folder in it beside the project.
    const laptopDir = outsideHome ? join(far0.laptopDir, "home") : far0.laptopDir;
    const laptopEnv = { ...far0.laptopEnv, HOME: laptopDir };
    mkdirSync(laptopDir, { recursive: true });
    const work = join(far0.laptopDir, "project");
    mkdirSync(work);
    writeFileSync(join(work, "README.md"), "# project\n");
    writeFileSync(join(work, "notes.txt"), "line one\n");
    const first = await cli(laptopEnv, ["-p", "first task here"], { cwd: work, command: [join(fakeBin, "claude")] });
    expect(first.code).toBe(0);
    const id = readdirSync(join(laptopDir, ".claude", "projects", claudeProjectKey(work)))[0]?.replace(/\.jsonl$/, "") as string;
    const remote = (...args: string[]) => cli(laptopEnv, args, { cwd: work });

    const forward = await remote("migrate", "forward", "claude", "--target", target, "--no-attach", "--no-auth");
    expect({ code: forward.code, stderr: forward.code === 0 ? "" : forward.stderr }).toEqual({ code: 0, stderr: "" });
    const sessionId = forward.stdout.trim();
    made.push(sessionId);
    const session = (await (await serve.api(`/sessions/${sessionId}`)).json()) as { target: string; cwd: string };
    expect(session).toMatchObject({ target, cwd: work });

    // Path parity: the laptop's folder and HOME paths inside, the files and the conversation there before claude started.
    const inBox = async (...args: string[]) => (await exec(sessionId, args)).stdout;
    expect((await inBox("env")).split("\n")).toContain(`HOME=${laptopDir}`);
    expect(await inBox("cat", join(work, "notes.txt"))).toBe("line one");
    const farTranscript = transcriptIn(laptopDir, work, id);
    await eventually(async () => ((await (await serve.api(`/sessions/${sessionId}/logs`)).json()) as { text: string }).text.includes(`Resumed session ${id} (2 earlier messages)`), "the far claude to resume the conversation");

    // A turn over there, and a file the agent edits there (the fake's /write); meanwhile the laptop edits another.
    const say = async (text: string, answer: string) => {
      const sent = await serve.api(`/sessions/${sessionId}/send`, { method: "POST", body: JSON.stringify({ text, enter: true }), headers: { "content-type": "application/json" } });
      expect(sent.status).toBe(204);
      await eventually(async () => (await inBox("cat", farTranscript)).includes(answer), `the far claude to answer '${text}' in its transcript`);
    };
    await say("carry on over there", "echo: carry on over there");
    await say("/write notes.txt line one, edited far away", "wrote notes.txt");
    expect(await inBox("cat", join(work, "notes.txt"))).toBe("line one, edited far away");
    writeFileSync(join(work, "README.md"), "# project, edited on the laptop\n");
    const far = messagesOf(await inBox("cat", farTranscript));
    expect(far.slice(0, 4)).toEqual(["first task here", "Done: first task here", "carry on over there", "echo: carry on over there"]);
    if (outsideHome && target === "docker") expect((await podmanOut(conf, ["volume", "exists", `remote-${sessionId}-work`])).code).toBe(0);

    const state = async () => ((await (await serve.api(`/sessions/${sessionId}`)).json()) as { state: string }).state;
    if (ending === "agent-exit") {
      const sent = await serve.api(`/sessions/${sessionId}/send`, { method: "POST", body: JSON.stringify({ text: "/exit", enter: true }), headers: { "content-type": "application/json" } });
      expect(sent.status).toBe(204);
      await eventually(async () => (await state()) === "exited", "the far agent to exit by itself");
    }
    if (ending === "stopped-there") {
      const stopped = await cli(far0.farEnv, ["stop", sessionId]);
      expect({ code: stopped.code, stderr: stopped.code === 0 ? "" : stopped.stderr }).toEqual({ code: 0, stderr: "" });
      // Its container (Pod) is gone: only the volumes (claim) hold what it did.
      if (target === "docker") expect((await podmanOut(conf, ["container", "exists", `remote-${sessionId}`])).code).not.toBe(0);
    }
    if (ending !== "by-back") {
      // The helper beside the ended session, by hand: its user, HOME and the far edit on the volumes (claim); meanwhile
      // listing the target's sessions does not take it for one, and the session's status is still its own.
      const deps = { ...createRealDeps({ ...process.env, ...far0.farEnv }), env: { ...process.env, ...far0.farEnv } };
      const handle = deps.store().get(sessionId)?.target as TargetHandle;
      const there = deps.target(handle);
      const seen = await there.onVolumes(handle, { sessionId, profile: "claude", home: laptopDir, workspace: work }, async (exec) => ({
        id: (await exec(["id", "-u"])).stdout.trim(),
        home: (await exec(["env"])).stdout.split("\n").find((line) => line.startsWith("HOME=")),
        notes: (await exec(["cat", join(work, "notes.txt")])).stdout,
        listed: (await there.list()).filter((found) => found.sessionId === sessionId).length,
        status: (await there.status(handle)).state,
      }));
      expect(seen).toEqual({ id: "1000", home: `HOME=${laptopDir}`, notes: "line one, edited far away\n", ...(ending === "agent-exit" ? { listed: 1, status: "exited" } : { listed: 0, status: "missing" }) });
      // Nothing was kept on the far control plane: back must read the volumes.
      const kept = join(far0.farEnv.REMOTE_HOME as string, "sessions", sessionId);
      expect(["conversation.json", "folder"].filter((f) => existsSync(join(kept, f)))).toEqual([]);
    }

    const back = await remote("migrate", "back");
    expect({ code: back.code, stderr: back.code === 0 ? "" : back.stderr }).toEqual({ code: 0, stderr: "" });
    expect(back.stdout).toBe(`claude --resume ${id}\n`);
    // Every message of both sides, and both edits: the far one by the 3-way merge, the laptop's kept.
    expect(messagesOf(readFileSync(transcriptIn(laptopDir, work, id), "utf8"))).toEqual(far);
    expect(readFileSync(join(work, "notes.txt"), "utf8")).toBe("line one, edited far away\n");
    expect(readFileSync(join(work, "README.md"), "utf8")).toBe("# project, edited on the laptop\n");
    const resumed = await cli(laptopEnv, ["-p", "--resume", id, "back home"], { cwd: work, command: [join(fakeBin, "claude")] });
    expect(resumed.stdout).toContain(`(${far.length} earlier messages)`);
    expect(await state()).toBe("exited");
    // The helper that read the volumes is gone, and no session was taken for one.
    if (ending !== "by-back" && target === "docker") expect((await podmanOut(conf, ["ps", "--all", "--quiet", "--filter", "label=app.kubernetes.io/component=volume-reader"])).stdout).toBe("");
    if (ending !== "by-back" && target === "kubernetes") expect((await kubectlGet(api?.env ?? {}, ["pods", "--selector", "app.kubernetes.io/component=volume-reader", "--output", "name"])).stdout).toBe("");
    if (ending !== "by-back") {
      // Once its volumes are deleted there is nothing to read: said so, no helper started on an empty volume.
      const handle = createRealDeps({ ...process.env, ...far0.farEnv }).store().get(sessionId)?.target as TargetHandle;
      const removed = await cli(far0.farEnv, ["rm", sessionId, "--volumes"]);
      expect({ code: removed.code, stderr: removed.code === 0 ? "" : removed.stderr }).toEqual({ code: 0, stderr: "" });
      const there = createRealDeps({ ...process.env, ...far0.farEnv }).target(handle);
      const gone = await there.onVolumes(handle, { sessionId, profile: "claude", home: laptopDir, workspace: work }, async () => "read").catch((error: unknown) => (error as { code?: string }).code);
      expect(gone).toBe("VOLUMES_GONE");
      if (target === "docker") expect((await podmanOut(conf, ["volume", "exists", `remote-${sessionId}-data`])).code).not.toBe(0);
    }
  }

  test("--target docker: the workspace and HOME at the laptop's paths in the container; the conversation resumed there and every message and the edited file back home", async () => {
    await roundTrip("docker");
  }, 240_000);

  test("--target docker with the project folder outside HOME: the folder on a volume of its own, the same round trip", async () => {
    await roundTrip("docker", true);
  }, 240_000);

  test.skipIf(!hasKubectl)("--target kubernetes: the same with a Pod (the fake API, a real podman container), on its claim", async () => {
    await roundTrip("kubernetes");
  }, 240_000);

  test("--target docker, the far agent exits by itself (/exit): back reads its volumes with a helper beside it, every message and the far edit come home", async () => {
    await roundTrip("docker", false, "agent-exit");
  }, 240_000);

  test("--target docker, the project outside HOME, `remote stop` run on the serving machine (nothing kept): the same from both volumes", async () => {
    await roundTrip("docker", true, "stopped-there");
  }, 240_000);

  test.skipIf(!hasKubectl)("--target kubernetes, the far agent exits by itself (/exit): back reads the claim through a reader Pod, every message and the far edit come home", async () => {
    await roundTrip("kubernetes", false, "agent-exit");
  }, 240_000);
});
