/**
 * Fault injection on the session lifecycle, with real processes and a real store: a host
 * that is slow to start, a start that dies half way, the store busy when the session ends.
 * Each ends with a truthful `ls` and no process of the session left on the machine.
 */
import { eventually } from "../support/wait.ts";
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createProcessAdapter } from "../../src/adapters/process/process-adapter.ts";
import { createSqliteSessionStore } from "../../src/adapters/store/sqlite-store.ts";
import type { SessionRecord } from "../../src/domain/session.ts";
import { cli, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";

type Listed = { id: string; name: string; state: string; exitCode: number | null; signal: string | null; reason: string | null; pid: number | null };

const ls = async (env: Record<string, string>) => {
  const r = await cli(env, ["ls", "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Listed[];
};
const lsTable = async (env: Record<string, string>) => (await cli(env, ["ls"])).stdout;

const storePath = (env: Record<string, string>) => join(env.REMOTE_HOME as string, "remote.db");
const records = (env: Record<string, string>): SessionRecord[] => {
  if (!existsSync(storePath(env))) return [];
  const store = createSqliteSessionStore({ path: storePath(env) });
  try {
    return store.list();
  } finally {
    store.close();
  }
};

const waitFor = eventually;

/** Every live process of a session, found the hard way: its host by argv, its agent by environment. */
function processesOf(sessionId: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const env = readFileSync(`/proc/${entry}/environ`, "utf8").split("\0");
      if ((argv.includes("__host") && argv.includes(sessionId)) || env.includes(`REMOTE_SESSION_ID=${sessionId}`)) found.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
const noProcessLeft = (sessionId: string) => waitFor(() => processesOf(sessionId).length === 0, `every process of session ${sessionId} to be gone (left: ${processesOf(sessionId).join(", ")})`);

describe("a host that is slow to become ready", () => {
  test("is abandoned at the deadline with nothing of it left; the record ends failed with the reason; the name is free again", async () => {
    using home = tempHome();
    const slow = { ...home.env, REMOTE_HOST_READY_TIMEOUT_MS: "1500", REMOTE_TEST_HOST_READY_DELAY_MS: "60000" };
    const started = await cli(slow, ["run", "shell", "--detach", "--name", "slow"]);
    expect(started.code).toBe(1);
    expect(started.stderr).toContain("host not ready within 1500 ms");

    const [record] = records(home.env);
    expect(record).toMatchObject({ name: "slow", state: "failed", reason: "host not ready within 1500 ms" });
    // The host server had claimed the record before the start stalled; the server hosts every
    // session, so it stays, but nothing of this session runs (and it will never start: it is failed).
    expect(record?.host).toBeDefined();
    await noProcessLeft(record!.id);

    expect(await ls(home.env)).toMatchObject([{ name: "slow", state: "failed", reason: "host not ready within 1500 ms" }]);
    expect(await lsTable(home.env)).toContain("failed: host not ready within 1500 ms");

    // The name is free, and only one session is live under it.
    const again = await cli(home.env, ["run", "shell", "--detach", "--name", "slow"]);
    expect(again.code).toBe(0);
    const listed = await ls(home.env);
    expect(listed.filter((s) => s.name === "slow").map((s) => s.state).sort()).toEqual(["failed", "running"]);

    // stop of the failed one is not an error, and says how it ended in ls's words.
    const stopFailed = await cli(home.env, ["stop", record!.id]);
    expect(stopFailed).toMatchObject({ code: 0 });
    expect(stopFailed.stderr).toContain("had already ended: failed: host not ready within 1500 ms");
    const stopRunning = await cli(home.env, ["stop", "slow"]);
    expect(stopRunning.code).toBe(0);
    expect(stopRunning.stderr).toMatch(/^stopped slow \([a-z0-9]{8}\): killed\(SIGHUP\)/);
    const twice = await cli(home.env, ["stop", "slow", "--json"]);
    expect(twice.code).toBe(0);
    expect(JSON.parse(twice.stdout)).toMatchObject({ name: "slow", state: "exited", signal: "SIGHUP", alreadyEnded: true });
    for (const s of listed) await noProcessLeft(s.id);
  });
});

describe("a start that dies half way", () => {
  test("the remote CLI killed while its host is still loading: ls says starting while the host lives; stop settles it, nothing of it is left (the shared host server stays), and prune removes it", async () => {
    using home = tempHome();
    const slow = { ...home.env, REMOTE_TEST_HOST_READY_DELAY_MS: "60000" };
    const launcher = Bun.spawn([...remoteCommand(), "run", "shell", "--detach", "--name", "orphan"], { env: slow, cwd: repoRoot, stdout: "ignore", stderr: "ignore" });
    const claimed = await waitFor(() => records(home.env).find((r) => r.host !== undefined), "the host to claim its record");
    launcher.kill("SIGKILL");
    await launcher.exited;

    // The host is alive (loading), so the session is truthfully still starting.
    expect(await ls(home.env)).toMatchObject([{ name: "orphan", state: "starting" }]);
    const stopped = await cli(home.env, ["stop", "orphan"]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("stopped orphan");
    expect(stopped.stderr).toContain("failed: stopped before it was ready");
    await noProcessLeft(claimed.id);
    expect(await ls(home.env)).toMatchObject([{ name: "orphan", state: "failed", reason: "stopped before it was ready" }]);

    const pruned = await cli(home.env, ["prune", "--json"]);
    expect(JSON.parse(pruned.stdout)).toEqual([{ id: claimed.id, name: "orphan" }]);
    expect(await ls(home.env)).toEqual([]);
  });

  test("a record whose launcher died before any host started reads lost; stop settles it failed (exit 0), prune removes it", async () => {
    using home = tempHome();
    // A real process that is gone: the identity a launcher killed mid-launch leaves behind.
    const dead = Bun.spawn(["true"]);
    const launcher = createProcessAdapter().identify(dead.pid);
    await dead.exited;
    expect(launcher).toBeDefined();
    const store = createSqliteSessionStore({ path: storePath(home.env) });
    store.insert({ id: "deadbeef", name: "stuck", profile: "shell", command: "/bin/bash", args: [], cwd: home.dir, source: "run", state: "starting", launcher, clients: 0, createdAt: new Date().toISOString(), meta: {} });
    store.close();

    expect(await ls(home.env)).toMatchObject([{ name: "stuck", state: "lost", reason: "the process launching it is gone before a session host started" }]);
    const stopped = await cli(home.env, ["stop", "stuck"]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("stopped stuck (deadbeef): failed: the process launching it is gone before a session host started");
    expect(await ls(home.env)).toMatchObject([{ name: "stuck", state: "failed" }]);
    expect((await cli(home.env, ["stop", "stuck"])).stderr).toContain("had already ended: failed:");
    expect((await cli(home.env, ["prune"])).stderr).toContain("pruned 1 ended session");
    expect(await ls(home.env)).toEqual([]);
  });

  test("the agent's directory vanishes before the host spawns it: the host records why, the launcher says so, nothing is left", async () => {
    using home = tempHome();
    const work = join(home.dir, "work");
    mkdirSync(work);
    const slow = { ...home.env, REMOTE_TEST_HOST_READY_DELAY_MS: "1000" };
    const run = Bun.spawn([...remoteCommand(), "run", "shell", "--detach", "--name", "nocwd", "--cwd", work], { env: slow, cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    const claimed = await waitFor(() => records(home.env).find((r) => r.host !== undefined), "the host to claim its record");
    rmSync(work, { recursive: true });
    const [stderr, code] = await Promise.all([new Response(run.stderr).text(), run.exited]);
    expect(code).toBe(1);
    expect(stderr).toContain(`could not start /bin/bash in ${work}`);
    const [listed] = await ls(home.env);
    expect(listed).toMatchObject({ name: "nocwd", state: "failed" });
    expect(listed?.reason).toContain(`could not start /bin/bash in ${work}: ENOENT`);
    await noProcessLeft(claimed.id);
  });

  test("an agent that exits at once: ls shows its exit code, stop of it exits 0 saying so", async () => {
    using home = tempHome();
    const started = await cli(home.env, ["run", "shell", "--detach", "--name", "quick", "--", "-c", "exit 3"]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    await waitFor(async () => (await ls(home.env))[0]?.state === "exited", "the session to end");
    expect((await ls(home.env))[0]).toMatchObject({ name: "quick", state: "exited", exitCode: 3, reason: null });
    expect(await lsTable(home.env)).toContain("exited(3)");
    const stopped = await cli(home.env, ["stop", "quick"]);
    expect(stopped).toMatchObject({ code: 0 });
    expect(stopped.stderr).toBe(`quick (${id}) had already ended: exited(3)\n`);
    // Commands that need it running say how it ended in the same words.
    const sent = await cli(home.env, ["send", "quick", "hello"]);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toContain("Cannot reach session 'quick': it has ended: exited(3)");
    await noProcessLeft(id);
  });
});

describe("a host that dies under its session", () => {
  test("ls says lost and why; stop settles it failed and takes the orphaned agent with it; prune removes it", async () => {
    using home = tempHome();
    // An agent that ignores hang-ups outlives its terminal's end (most die of the SIGHUP when the host's PTY closes).
    const started = await cli(home.env, ["run", "shell", "--detach", "--name", "crash", "--", "-c", "trap '' HUP; exec sleep 600"]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    const [record] = records(home.env);
    expect(record?.agent).toBeDefined();
    process.kill(record!.host!.pid, "SIGKILL");
    const proc = createProcessAdapter();
    await waitFor(() => !proc.isAlive(record!.host!), "the host to die");
    // Its agent lives on in a session of its own, out of anyone's reach.
    expect(proc.isAlive(record!.agent!)).toBe(true);
    expect(await ls(home.env)).toMatchObject([{ id, state: "lost", reason: "its session host is gone without recording how the session ended" }]);

    const stopped = await cli(home.env, ["stop", "crash"]);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toBe(`stopped crash (${id}): failed: its session host is gone without recording how the session ended\n`);
    await noProcessLeft(id);
    expect((await cli(home.env, ["prune", "--json"])).stdout).toContain(id);
    expect(await ls(home.env)).toEqual([]);
  });
});

describe("the store busy when the session ends", () => {
  test("the host retries the exit write until the lock is released, records the exit, and ends", async () => {
    using home = tempHome();
    const env = { ...home.env, REMOTE_TEST_STORE_BUSY_TIMEOUT_MS: "100" };
    const go = join(home.dir, "go");
    const started = await cli(env, ["run", "shell", "--detach", "--name", "busy", "--", "-c", `while [ ! -e ${go} ]; do sleep 0.05; done; exit 4`]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    const [record] = records(home.env);
    expect(record).toMatchObject({ id, state: "running" });
    const hostLog = join(home.env.REMOTE_HOME as string, "sessions", id, "host.log");

    const db = new Database(storePath(home.env));
    db.run("BEGIN EXCLUSIVE");
    try {
      writeFileSync(go, "");
      // The agent ended; its host cannot write that down and says it will try again.
      await waitFor(() => existsSync(hostLog) && readFileSync(hostLog, "utf8").includes("the store is busy"), "the host to meet the lock");
      // Readers still work under a writer's lock in WAL mode: the host is alive, so running is still true.
      expect(createProcessAdapter().isAlive(record!.host!)).toBe(true);
    } finally {
      db.run("COMMIT");
      db.close();
    }
    await noProcessLeft(id);
    // Its host (the host server) exits once it hosts nothing.
    await waitFor(() => !createProcessAdapter().isAlive(record!.host!), "the host server to exit");
    expect(await ls(home.env)).toMatchObject([{ id, name: "busy", state: "exited", exitCode: 4 }]);
  });
});
