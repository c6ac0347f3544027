/**
 * Delegated jobs end to end through the CLI, with the fake agent CLIs on PATH: throttle
 * and resume, the task as one argv element, the depth budget, cancel and illegal moves,
 * a claim whose launch was lost, and jobs outside a git repository.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSqliteJobStore } from "../../src/adapters/store/sqlite-job-store.ts";
import { cli, ptyClient, remoteCommand } from "../support/cli.ts";
import { jobsHome, readJsonLines, until, type RunTimes, recordEvents, readArgvLog } from "./jobs-support.ts";

type Home = ReturnType<typeof jobsHome>;

async function delegate(home: Home, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = await cli({ ...home.env, ...options.env }, ["delegate", ...args], { cwd: options.cwd ?? home.repo });
  expect(r.stdout).toMatch(/^[a-z0-9]{8}\n$/); // the id and nothing else on stdout
  return r.stdout.trim();
}
/** Writes REMOTE_HOME/config.toml. */
function config(home: Home, text: string) {
  mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
  writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), text);
}
/** Only the test's own `jobs conduct` starts jobs: a finished run does not hand its slot on, and no automatic conductor starts. */
const noHandOff = (home: Home) => config(home, "job_handoff = false\njob_auto_conduct = false\n");
/** No automatic conductor: what the test checks is done by something else (or by the test's own `jobs conduct`). */
const noAutoConductor = (home: Home) => config(home, "job_auto_conduct = false\n");
const job = (home: Home, id: string) => home.jobs().find((j) => j.id === id);
const finished = (home: Home, id: string) => {
  const j = job(home, id);
  return j && (j.state === "done" || j.state === "failed") ? j : undefined;
};


describe("delegated jobs", () => {
  test("claude's real rate-limit message: running -> throttled -> running -> done, retry inside the backoff window", async () => {
    const base = 400;
    using home = jobsHome({ FAKE_CLI_MODE: "throttle-once", REMOTE_BACKOFF_BASE_MS: String(base) });
    home.env.FAKE_CLI_STATE = join(home.dir, "throttled-once");
    const events = recordEvents(home);
    const id = await delegate(home, ["claude", "fix the flaky test", "--headless"]);

    const throttled = await until(() => (job(home, id)?.state === "throttled" ? job(home, id) : undefined), "the throttle");
    expect(throttled.throttle?.attempts).toBe(1);
    expect(throttled.throttle?.lastSignature).toBe("claude:rate-limit");
    const at = Date.parse(throttled.throttle?.lastAt ?? "");
    const retry = Date.parse(throttled.throttle?.nextRetryAt ?? "");
    expect(retry).toBeGreaterThanOrEqual(at);
    expect(retry).toBeLessThanOrEqual(at + base); // random() * min(30 min, base * 2^0)
    const result = JSON.parse(readFileSync(join(throttled.jobDir, "result.json"), "utf8"));
    expect(result).toMatchObject({ state: "throttled", exitCode: 1 });

    // `logs --follow` keeps printing across the throttle and ends with the job.
    const follow = cli(home.env, ["jobs", "logs", id, "--follow"]);
    // A throttled job keeps its slot; the conductor resumes it once due, with the continue argv.
    const done = await until(() => {
      Bun.spawnSync([...remoteCommand(), "jobs", "conduct"], { env: home.env, cwd: home.repo, stderr: "ignore" });
      return finished(home, id);
    }, "the resumed job to finish", 30_000, 100);
    expect(done.state).toBe("done");
    expect(done.exitCode).toBe(0);
    expect(readArgvLog(home.argvLog)).toEqual([
      ["claude", "-p", "fix the flaky test"],
      ["claude", "-p", "--continue", "fix the flaky test"],
    ]);
    // Both runs in the same worktree; output of both runs in one output.log.
    const output = readFileSync(join(done.jobDir, "output.log"), "utf8");
    expect(output).toContain("API Error: Request rejected (429)");
    expect(output).toContain("Picking up where we left off");
    expect((await follow).stdout).toBe(output);
    expect(JSON.parse(readFileSync(join(done.jobDir, "result.json"), "utf8"))).toMatchObject({ state: "done", exitCode: 0 });
    await until(() => readFileSync(events, "utf8").includes("job:done"), "the job:done event");
    expect(readFileSync(events, "utf8").trim().split("\n")).toEqual([
      "job:queued pending",
      "job:start running",
      "job:throttle throttled",
      "job:resume running",
      "job:done done",
    ]);
  }, 60_000);

  test("a task with quotes, $(...), ; and newlines reaches each CLI as one argument, byte for byte", async () => {
    using home = jobsHome();
    const marker = join(home.dir, "pwned");
    const task = `it's "quoted" \\back $(touch ${marker}) \`touch ${marker}\`; rm -rf /nonexistent && echo $HOME\nsecond line\ttab * ? ~ 'end`;
    const ids = [];
    for (const profile of ["claude", "codex", "gemini"]) ids.push(await delegate(home, [profile, task, "--headless"]));
    const interactive = await delegate(home, ["claude", task]);
    for (const id of ids) expect((await until(() => finished(home, id), `job ${id}`)).state).toBe("done");
    const argv = readArgvLog(home.argvLog);
    expect(argv).toContainEqual(["claude", "-p", task]);
    expect(argv).toContainEqual(["codex", "exec", task]);
    expect(argv).toContainEqual(["gemini", "-p", task]);
    await until(() => readArgvLog(home.argvLog).length === 4, "the interactive run");
    expect(readArgvLog(home.argvLog)).toContainEqual(["claude", task]);
    expect(existsSync(marker)).toBe(false);
    expect((await cli(home.env, ["jobs", "cancel", interactive])).code).toBe(0);
  }, 60_000);

  test("the child sees REMOTE_JOB_ID and the budget minus one; a budget of 0 refuses", async () => {
    using home = jobsHome();
    const id = await delegate(home, ["shell", 'printf "%s %s" "$REMOTE_JOB_ID" "$REMOTE_DELEGATE_DEPTH"', "--headless"], { env: { REMOTE_DELEGATE_DEPTH: "3" } });
    const done = await until(() => finished(home, id), "the shell job");
    expect(readFileSync(join(done.jobDir, "output.log"), "utf8")).toBe(`${id} 2`);
    expect(done.depthBudget).toBe(2);

    const before = home.jobs().length;
    const refused = await cli({ ...home.env, REMOTE_DELEGATE_DEPTH: "0" }, ["delegate", "claude", "go deeper", "--headless"], { cwd: home.repo });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("delegation depth budget is used up (REMOTE_DELEGATE_DEPTH=0)");
    const flag = await cli(home.env, ["delegate", "claude", "go", "--headless", "--max-depth", "0"], { cwd: home.repo });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("--max-depth 0 forbids delegating");
    expect(home.jobs().length).toBe(before);
  }, 30_000);

  test("a finished job hands its slot to the next pending one: no conductor needed", async () => {
    using home = jobsHome();
    noAutoConductor(home); // the hand-off alone must start the second job
    // The first job holds the only slot until the second is queued behind it.
    const gate = join(home.dir, "first-may-finish");
    const first = await delegate(home, ["shell", `until [ -e ${gate} ]; do sleep 0.02; done`, "--headless", "--max-concurrent", "1"]);
    const second = await delegate(home, ["shell", "echo second", "--headless", "--max-concurrent", "1"]);
    expect(job(home, second)?.state).toBe("pending");
    writeFileSync(gate, "");
    const done = await until(() => finished(home, second), "the second job, started by the first one's runner");
    expect(done.state).toBe("done");
    expect(Date.parse(done.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(finished(home, first)?.endedAt ?? ""));
  }, 30_000);

  test("a job runs in the environment it was delegated from, whoever starts it later", async () => {
    using home = jobsHome();
    noHandOff(home); // so the queued job is started by the conductor, in the conductor's environment
    const busy = await delegate(home, ["shell", "sleep infinity", "--headless", "--max-concurrent", "1"]);
    const queued = await delegate(home, ["shell", 'printf "%s" "$WHERE_FROM"', "--headless", "--max-concurrent", "1"], { env: { WHERE_FROM: "the delegate" } });
    expect(job(home, queued)?.state).toBe("pending");
    const saved = (id: string) => join(home.env.REMOTE_HOME as string, "accounts", `job-env-${id}.token`);
    expect(statSync(saved(queued)).mode & 0o777).toBe(0o600);
    expect(readFileSync(saved(queued), "utf8")).toContain("the delegate");
    expect((await cli(home.env, ["jobs", "cancel", busy])).code).toBe(0);
    expect((await cli({ ...home.env, WHERE_FROM: "the conductor" }, ["jobs", "conduct"], { cwd: home.repo })).code).toBe(0);
    const done = await until(() => finished(home, queued), "the queued job");
    expect(readFileSync(join(done.jobDir, "output.log"), "utf8")).toBe("the delegate");
    // Kept 0600 while the job could still start; gone once it has ended.
    expect(existsSync(saved(queued))).toBe(false);
    expect(existsSync(saved(busy))).toBe(false);
  }, 30_000);

  test("cancel stops a running job; a final job refuses any move; wait exits with the job's code", async () => {
    using home = jobsHome();
    home.env.FAKE_CLI_GATE = join(home.dir, "never-opened"); // the agent runs until stopped
    const id = await delegate(home, ["claude", "a long task", "--headless"]);
    // The fake logs its argv once its signal traps are set: from then on SIGTERM ends it with 143.
    await until(() => job(home, id)?.agent && readJsonLines(home.argvLog).length === 1, "the agent to start");
    const cancelled = await cli(home.env, ["jobs", "cancel", id]);
    expect(cancelled.code).toBe(0);
    const after = job(home, id);
    expect(after).toMatchObject({ state: "failed", failReason: "cancelled" });
    const runs = await until(() => readJsonLines<RunTimes>(home.timesLog)[0], "the agent's end");
    expect(runs.exitCode).toBe(143); // SIGTERM reached the agent
    expect((await cli(home.env, ["jobs", "wait", id])).code).toBe(1);
    const resultFile = join(after?.jobDir ?? "", "result.json");
    const runner = after?.runner;
    await until(() => runner !== undefined && !existsSync(`/proc/${runner.pid}`), "the runner to exit");
    expect(JSON.parse(readFileSync(resultFile, "utf8"))).toMatchObject({ state: "failed", exitCode: null, reason: "cancelled" });

    const again = await cli(home.env, ["jobs", "cancel", id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Cannot cancel job '${id}': failed → failed is not allowed`);
    expect(again.stderr).toContain("hint: A failed job is final");

    delete home.env.FAKE_CLI_GATE;
    const exits3 = await delegate(home, ["claude", "fails", "--headless"], { env: { FAKE_CLI_EXIT: "3" } });
    expect((await cli(home.env, ["jobs", "wait", exits3])).code).toBe(3);
    const ok = await delegate(home, ["claude", "works", "--headless"]);
    expect((await cli(home.env, ["jobs", "wait", ok])).code).toBe(0);
    const done = await cli(home.env, ["jobs", "cancel", ok]);
    expect(done.code).toBe(1);
    expect(done.stderr).toContain(`Cannot cancel job '${ok}': done → failed is not allowed`);
    const status = JSON.parse((await cli(home.env, ["jobs", "status", ok, "--json"])).stdout);
    expect(status).toMatchObject({ id: ok, state: "done", exitCode: 0 });
    const listed = JSON.parse((await cli(home.env, ["jobs", "ls", "--json"])).stdout) as { id: string; state: string }[];
    expect(listed.map((j) => [j.id, j.state])).toEqual([
      [id, "failed"],
      [exits3, "failed"],
      [ok, "done"],
    ]);
    expect((await cli(home.env, ["jobs", "logs", ok])).stdout).toBe("I read the code and made the change. Done: works\n");
  }, 60_000);

  test("a claim whose launch was lost is launched again exactly once, even by two conductors at once", async () => {
    using home = jobsHome({ REMOTE_JOB_CLAIM_GRACE_MS: "5000" });
    noHandOff(home); // the first job's end must not start the second: this test plays that part
    // A delegate that died right after its claim: pending -> running in the store, no runner ever.
    // The first job holds the only slot until the second is queued behind it.
    const gate = join(home.dir, "first-may-finish");
    const queued = await delegate(home, ["claude", "orphaned claim", "--headless", "--max-concurrent", "1"], { env: { FAKE_CLI_GATE: gate } });
    const blocked = await delegate(home, ["claude", "waits its turn", "--headless", "--max-concurrent", "1"]);
    expect(job(home, blocked)?.state).toBe("pending");
    writeFileSync(gate, "");
    await until(() => finished(home, queued), "the first job");
    const store = createSqliteJobStore({ path: home.storePath });
    // Claimed a minute ago, past the grace a launch gets to register its runner.
    const claimed = store.claimNext({ cap: 1, now: new Date(Date.now() - 60_000), token: "lost-launch" });
    store.close();
    expect(claimed?.id).toBe(blocked);
    expect(job(home, blocked)?.runner).toBeUndefined();

    const a = Bun.spawn([...remoteCommand(), "jobs", "conduct"], { env: home.env, cwd: home.repo, stderr: "pipe" });
    const b = Bun.spawn([...remoteCommand(), "jobs", "conduct"], { env: home.env, cwd: home.repo, stderr: "pipe" });
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const lines = `${await new Response(a.stderr).text()}${await new Response(b.stderr).text()}`;
    expect(lines.match(/relaunched 1/g)?.length).toBe(1);
    const done = await until(() => finished(home, blocked), "the relaunched job");
    expect(done.state).toBe("done");
    expect(done.launches).toBe(2);
    expect(readArgvLog(home.argvLog).filter((a) => a.at(-1) === "waits its turn")).toHaveLength(1);
  }, 30_000);

  test("AIMD: two throttles within ten minutes halve the conductor's cap; each clean pass adds one back", async () => {
    // A long backoff window: no retry comes due during the test (P(wait < 10 s) = 1e-5).
    using home = jobsHome({ FAKE_CLI_MODE: "throttle", REMOTE_BACKOFF_BASE_MS: "1000000000", REMOTE_BACKOFF_CAP_MS: "1000000000" });
    noAutoConductor(home); // its passes would move the cap too
    const a = await delegate(home, ["claude", "first", "--headless"]);
    const b = await delegate(home, ["claude", "second", "--headless"]);
    await until(() => [a, b].every((id) => job(home, id)?.state === "throttled"), "two throttles");
    const pass = async () => {
      const r = await cli(home.env, ["jobs", "conduct"], { cwd: home.repo });
      expect(r.code).toBe(0);
      return /cap (\d+)\/(\d+)/.exec(r.stderr)?.slice(1);
    };
    expect(await pass()).toEqual(["2", "4"]);
    expect(await pass()).toEqual(["3", "4"]);
    expect(await pass()).toEqual(["4", "4"]);
    expect(await pass()).toEqual(["4", "4"]);
  }, 30_000);

  test("a runner killed mid-run: the job fails 'runner lost' and its orphaned agent is stopped", async () => {
    using home = jobsHome();
    home.env.FAKE_CLI_GATE = join(home.dir, "never-opened"); // the agent runs until stopped
    const id = await delegate(home, ["claude", "orphan", "--headless"]);
    const running = await until(() => {
      const j = job(home, id);
      return j?.agent && readJsonLines(home.argvLog).length === 1 ? j : undefined;
    }, "the agent to start");
    process.kill(running.runner?.pid as number, "SIGKILL");
    await until(() => !existsSync(`/proc/${running.runner?.pid}`), "the runner to die");
    const pass = await cli(home.env, ["jobs", "conduct"], { cwd: home.repo });
    expect(pass.stderr).toContain("reconciled 1");
    expect(job(home, id)).toMatchObject({ state: "failed", failReason: "runner lost: its process ended without recording an outcome" });
    expect((await until(() => readJsonLines<RunTimes>(home.timesLog)[0], "the agent's end")).exitCode).toBe(143);
    expect(JSON.parse(readFileSync(join(running.jobDir, "result.json"), "utf8"))).toMatchObject({ state: "failed", exitCode: null });
  }, 30_000);

  test("outside a git repository a job runs in the directory itself, and says so", async () => {
    using home = jobsHome();
    const plain = join(home.dir, "plain");
    mkdirSync(plain);
    const r = await cli(home.env, ["delegate", "claude", "no repo here", "--headless"], { cwd: plain });
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect(r.stderr).toContain(`is not in a git repository: job ${id} runs in that directory itself`);
    const done = await until(() => finished(home, id), "the job");
    expect(done.cwd).toBe(plain);
    expect(done.jobDir).toBe(join(plain, ".remote", "jobs", id));
    expect(existsSync(join(done.jobDir, "output.log"))).toBe(true);
  }, 30_000);

  test("an interactive job is a session: attach to it, and its exit ends the job", async () => {
    using home = jobsHome();
    const id = await delegate(home, ["claude", "talk to me", "--name", "chatty"]);
    const started = await until(() => job(home, id)?.sessionId, "its session");
    const listed = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as { id: string; name: string; cwd: string }[];
    expect(listed).toContainEqual(expect.objectContaining({ id: started, name: "chatty", cwd: job(home, id)?.cwd }));
    const client = ptyClient(home.env, [...remoteCommand(), "jobs", "attach", "chatty"]);
    await client.waitFor((s) => s.includes("Claude Code (fake)"), "the fake claude banner");
    client.type("/exit\r");
    expect(await client.proc.exited).toBe(0);
    const wait = await cli(home.env, ["jobs", "wait", id]);
    expect(wait.code).toBe(0);
    expect(job(home, id)).toMatchObject({ state: "done", exitCode: 0 });
  }, 30_000);
});
