/**
 * Must show (issue 4): 60 headless jobs under a cap of 4, with a fake claude that records
 * when each run starts and ends: never more than 4 overlap, all 60 finish, they start
 * FIFO; and the same while the conductor is killed (SIGKILL) at random points 5 times.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, remoteCommand } from "../support/cli.ts";
import { seededRandom } from "../support/seed.ts";
import { jobsHome, maxOverlap, readJsonLines, until, type RunTimes, readArgvLog } from "./jobs-support.ts";

const JOBS = 60;
const CAP = 4;

type Home = ReturnType<typeof jobsHome>;

/**
 * Delegates `count` headless jobs. The first CAP, one by one, start at once (each heads
 * the queue with a free slot) and hold the cap full until `openGate()`, so every later
 * job queues as pending behind them and only the conductor (or a finished run) starts it.
 */
async function delegateMany(home: Home, count: number): Promise<{ tasks: string[]; openGate: () => void }> {
  const tasks = Array.from({ length: count }, (_, i) => `task number ${i}`);
  const gate = join(home.dir, "first-jobs-may-finish");
  const delegate = async (task: string, env: Record<string, string> = {}) => {
    const r = await cli({ ...home.env, ...env }, ["delegate", "claude", task, "--headless", "--max-concurrent", String(CAP)], { cwd: home.repo });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^[a-z0-9]{8}\n$/);
  };
  for (const task of tasks.slice(0, CAP)) await delegate(task, { FAKE_CLI_GATE: gate });
  let next = CAP;
  const worker = async () => {
    while (next < tasks.length) await delegate(tasks[next++] as string);
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return { tasks, openGate: () => writeFileSync(gate, "") };
}

/** `jobs conduct --watch` (a pass every 120 ms); `stop` sends Ctrl-C once its first pass is reported. */
function conductor(home: Home) {
  const proc = Bun.spawn([...remoteCommand(), "jobs", "conduct", "--watch", "0.002"], { env: home.env, cwd: home.repo, stdout: "pipe", stderr: "pipe" });
  let text = "";
  const decoder = new TextDecoder();
  let sawLine!: () => void;
  const firstLine = new Promise<void>((resolve) => (sawLine = resolve));
  const reading = (async () => {
    const reader = proc.stderr.getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.includes("\n")) sawLine();
    }
    sawLine();
  })();
  return {
    proc,
    lines: async () => {
      await reading;
      return text.trim().split("\n");
    },
    stop: async () => {
      await firstLine;
      proc.kill("SIGINT");
      return proc.exited;
    },
  };
}

function checkOutcome(home: Home, tasks: readonly string[]) {
  const jobs = home.jobs();
  expect(jobs).toHaveLength(tasks.length);
  expect(jobs.filter((j) => j.state !== "done").map((j) => `${j.id} ${j.state} ${j.failReason ?? ""}`)).toEqual([]);
  // Every task ran exactly once: no job lost, none duplicated.
  const argv = readArgvLog(home.argvLog);
  expect(argv.map((a) => a.at(-1)).sort()).toEqual([...tasks].sort());
  const runs = readJsonLines<RunTimes>(home.timesLog);
  expect(runs).toHaveLength(tasks.length);
  const overlap = maxOverlap(runs);
  expect(overlap).toBeLessThanOrEqual(CAP);
  expect(overlap).toBeGreaterThan(1); // they really ran in parallel
  // FIFO: claims (startedAt) follow the queue order (seq).
  const bySeq = [...jobs].sort((a, b) => a.seq - b.seq);
  const started = bySeq.map((j) => Date.parse(j.startedAt ?? ""));
  for (let i = 1; i < started.length; i++) expect(started[i] as number).toBeGreaterThanOrEqual(started[i - 1] as number);
  // Each job ran in its own worktree, and none of it shows in the repository's status.
  expect(new Set(jobs.map((j) => j.cwd)).size).toBe(tasks.length);
  expect(home.git(["status", "--porcelain"])).toBe("");
}

describe("the conductor under a cap", () => {
  test(`${JOBS} headless jobs, cap ${CAP}: never more than ${CAP} at once, all finish, FIFO`, async () => {
    using home = jobsHome({ FAKE_CLI_SLEEP_MS: "200" });
    const { tasks, openGate } = await delegateMany(home, JOBS);
    // Delegates started the first CAP jobs; the rest wait, FIFO: what is pending is always the tail of the queue.
    const queued = [...home.jobs()].sort((a, b) => a.seq - b.seq);
    expect(queued.slice(0, CAP).map((j) => j.state)).toEqual(Array(CAP).fill("running"));
    expect(queued.slice(CAP).every((j) => j.state === "pending")).toBe(true);
    openGate();
    const conduct = conductor(home);
    try {
      await until(() => home.jobs().every((j) => j.state === "done" || j.state === "failed"), "every job to finish", 90_000, 100);
    } finally {
      expect(await conduct.stop()).toBe(0); // Ctrl-C exits 0
    }
    const lines = await conduct.lines();
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z conduct: cap \d+\/\d+ · running \d+/);
    // Finished runs hand their slot on and the conductor starts what is left: between them, every job exactly once.
    checkOutcome(home, tasks);
  }, 120_000);

  test("killing the conductor at random points 5 times loses and duplicates nothing", async () => {
    using home = jobsHome({ FAKE_CLI_SLEEP_MS: "100", REMOTE_JOB_CLAIM_GRACE_MS: "1500" });
    // Only this conductor starts jobs here (no hand-off by finished runs, no automatic conductor), so every kill lands on real work.
    mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
    writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), "job_handoff = false\njob_auto_conduct = false\n");
    const { tasks, openGate } = await delegateMany(home, JOBS);
    openGate();
    // The kill points are random, from a printed seed (REMOTE_TEST_SEED replays them).
    const random = seededRandom("conductor kill points");
    for (let kill = 0; kill < 5; kill++) {
      const conduct = conductor(home);
      // Fault injection, not synchronisation: the conductor dies wherever it is by then.
      await Bun.sleep(random.int(150, 849));
      conduct.proc.kill("SIGKILL");
      await conduct.proc.exited;
    }
    const last = conductor(home);
    try {
      await until(() => home.jobs().every((j) => j.state === "done" || j.state === "failed"), "every job to finish", 90_000, 100);
    } finally {
      expect(await last.stop()).toBe(0);
    }
    checkOutcome(home, tasks);
  }, 120_000);
});
