/**
 * The automatic conductor: nobody runs `jobs conduct`, yet a throttled job comes back
 * and pending jobs start; one conductor at a time (REMOTE_HOME/conductor.lock), even
 * with 20 delegates racing; a stale lock is taken over, a live one left alone; and the
 * conductor exits once no job is pending, running or throttled.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createProcessAdapter } from "../../src/adapters/process/process-adapter.ts";
import { conductorLockPath, conductorLogPath } from "../../src/app/jobs/conductor-lock.ts";
import type { ProcessIdentity } from "../../src/domain/session.ts";
import { cli, remoteCommand } from "../support/cli.ts";
import { conductorHolders, conductorProcesses, jobsHome, until, recordEvents, readArgvLog } from "./jobs-support.ts";

type Home = ReturnType<typeof jobsHome>;

const proc = createProcessAdapter();
const remoteHome = (home: Home) => home.env.REMOTE_HOME as string;
const lockPath = (home: Home) => conductorLockPath({ home: remoteHome(home) });
const conductorLog = (home: Home) => (existsSync(conductorLogPath({ home: remoteHome(home) })) ? readFileSync(conductorLogPath({ home: remoteHome(home) }), "utf8") : "");

async function delegate(home: Home, args: string[]) {
  const r = await cli(home.env, ["delegate", ...args], { cwd: home.repo });
  expect(r.stderr).toBe("");
  expect(r.stdout).toMatch(/^[a-z0-9]{8}\n$/);
  return r.stdout.trim();
}

function config(home: Home, text: string) {
  mkdirSync(remoteHome(home), { recursive: true });
  writeFileSync(join(remoteHome(home), "config.toml"), text);
}

const allFinished = (home: Home, count: number) => {
  const jobs = home.jobs();
  return jobs.length === count && jobs.every((j) => j.state === "done" || j.state === "failed");
};

/** The automatic conductor is gone: no lock, no holder alive, no `--until-idle` process for this home. */
const conductorGone = (home: Home) =>
  !existsSync(lockPath(home)) && conductorHolders(remoteHome(home)).every((who) => !proc.isAlive(who)) && conductorProcesses(remoteHome(home)).length === 0;

/**
 * Holders in the log, in order: each "took" must be followed by its own release (or loss)
 * before the next "took". Returns the holders that took the lock and have not let go yet.
 */
function openHolders(log: string): { pid: number; startTime: string }[] {
  const open: { pid: number; startTime: string }[] = [];
  for (const m of log.matchAll(/conductor (\d+): (took \S+ \(pid \d+, start (\S+)\)|releasing|\S+ is no longer mine)/g)) {
    const pid = Number(m[1]);
    if (m[2]?.startsWith("took")) open.push({ pid, startTime: m[3] as string });
    else {
      expect(open.map((o) => o.pid)).toEqual([pid]); // only the one holder lets go
      open.pop();
    }
    expect(open.length).toBeLessThanOrEqual(1);
  }
  return open;
}


/** A real process identity that is no longer alive. */
async function deadIdentity(): Promise<ProcessIdentity> {
  const child = Bun.spawn(["sleep", "30"], { stdout: "ignore", stderr: "ignore" });
  const who = proc.identify(child.pid) as ProcessIdentity;
  child.kill("SIGKILL");
  await child.exited;
  expect(proc.isAlive(who)).toBe(false);
  return who;
}

describe("the automatic conductor", () => {
  test("with no conductor run by hand, a throttled job goes throttled -> running -> done by itself; then the conductor exits", async () => {
    using home = jobsHome({ FAKE_CLI_MODE: "throttle-once", REMOTE_BACKOFF_BASE_MS: "300", REMOTE_CONDUCT_INTERVAL_MS: "100" });
    home.env.FAKE_CLI_STATE = join(home.dir, "throttled-once");
    const events = recordEvents(home);
    const id = await delegate(home, ["claude", "fix the flaky test", "--headless"]);

    const done = await until(() => {
      const j = home.jobs().find((x) => x.id === id);
      return j && (j.state === "done" || j.state === "failed") ? j : undefined;
    }, "the job to come back and finish");
    expect(done).toMatchObject({ state: "done", exitCode: 0, throttle: { attempts: 1, lastSignature: "claude:rate-limit" } });
    expect(readArgvLog(home.argvLog)).toEqual([
      ["claude", "-p", "fix the flaky test"],
      ["claude", "-p", "--continue", "fix the flaky test"],
    ]);
    await until(() => readFileSync(events, "utf8").includes("job:done"), "the job:done event");
    expect(readFileSync(events, "utf8").trim().split("\n")).toEqual(["job:queued pending", "job:start running", "job:throttle throttled", "job:resume running", "job:done done"]);

    // One automatic conductor did it: it took the lock, resumed the job, and left once idle.
    await until(() => conductorGone(home), "the automatic conductor to exit");
    const holders = conductorHolders(remoteHome(home));
    expect(holders).toHaveLength(1);
    const log = conductorLog(home);
    expect(log).toContain("resumed 1");
    expect(log).toContain("releasing");
    expect(log).toContain("no job is pending, running or throttled");
    expect(openHolders(log)).toEqual([]);
  }, 30_000);

  test("20 delegates racing over the cap: one automatic conductor at any time, and every job finishes", async () => {
    const count = 20;
    using home = jobsHome({ FAKE_CLI_SLEEP_MS: "150", REMOTE_CONDUCT_INTERVAL_MS: "100" });
    config(home, "job_handoff = false\n"); // finished runs start nothing: the pending jobs are the conductor's alone

    let samples = 0;
    let maxAlive = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        // Holders that took the lock and have not let go (never more than one, openHolders checks), alive.
        const alive = openHolders(conductorLog(home)).filter((who) => proc.isAlive(who));
        maxAlive = Math.max(maxAlive, alive.length);
        samples++;
        await Bun.sleep(10); // the sampling rate, not synchronisation
      }
    })();
    try {
      const ids = await Promise.all(Array.from({ length: count }, (_, i) => delegate(home, ["claude", `task ${i}`, "--headless", "--max-concurrent", "2"])));
      expect(new Set(ids).size).toBe(count);
      await until(() => allFinished(home, count), "every job to finish", 60_000, 50);
      await until(() => conductorGone(home), "the automatic conductor to exit");
    } finally {
      sampling = false;
      await sampler;
    }
    expect(home.jobs().filter((j) => j.state !== "done")).toEqual([]);
    expect(readArgvLog(home.argvLog)).toHaveLength(count); // each job ran once
    expect(samples).toBeGreaterThan(10);
    expect(maxAlive).toBe(1);
    const log = conductorLog(home);
    expect(log).toMatch(/started [1-9]/); // the automatic conductor started the pending jobs
    expect(openHolders(log)).toEqual([]);
  }, 90_000);

  test("a stale lock (its holder dead, or its pid reused) is taken over; a live holder is left alone", async () => {
    using home = jobsHome({ REMOTE_CONDUCT_INTERVAL_MS: "100" });
    config(home, "job_handoff = false\n");
    const dead = await deadIdentity();
    writeFileSync(lockPath(home), `${JSON.stringify(dead)}\n`);
    // The first job holds the only slot until the second is queued behind it.
    const gate = join(home.dir, "first-may-finish");
    const first = await delegate(home, ["shell", `until [ -e ${gate} ]; do sleep 0.02; done`, "--headless", "--max-concurrent", "1"]);
    const second = await delegate(home, ["shell", "echo second", "--headless", "--max-concurrent", "1"]); // pending: starts the conductor
    expect(home.jobs().find((j) => j.id === second)?.state).toBe("pending");
    writeFileSync(gate, "");
    await until(() => allFinished(home, 2), "both jobs");
    expect(home.jobs().map((j) => [j.id, j.state])).toEqual([
      [first, "done"],
      [second, "done"],
    ]);
    await until(() => conductorGone(home), "the automatic conductor to exit");
    expect(conductorLog(home)).toContain(`stale: pid ${dead.pid} is gone`);

    // Pid reuse: a live pid whose start time differs is not the holder.
    writeFileSync(lockPath(home), `${JSON.stringify({ pid: process.pid, startTime: "another-process" })}\n`);
    const reused = await cli(home.env, ["jobs", "conduct", "--watch", "0.002", "--until-idle"]);
    expect(reused.code).toBe(0);
    expect(reused.stderr).toContain(`stale: pid ${process.pid} is gone`);
    expect(reused.stderr).toContain("conduct: cap");
    expect(existsSync(lockPath(home))).toBe(false);

    // A live holder: exit 0 at once, no pass, the lock untouched.
    const holder = Bun.spawn(["sleep", "30"], { stdout: "ignore", stderr: "ignore" });
    try {
      const live = `${JSON.stringify(proc.identify(holder.pid))}\n`;
      writeFileSync(lockPath(home), live);
      const loser = Bun.spawn([...remoteCommand(), "jobs", "conduct", "--watch", "0.002", "--until-idle"], { env: home.env, stderr: "pipe" });
      expect(await loser.exited).toBe(0);
      const stderr = await new Response(loser.stderr).text();
      expect(stderr).toContain(`pid ${holder.pid} conducts already: exiting`);
      expect(stderr).not.toContain("conduct: cap");
      expect(readFileSync(lockPath(home), "utf8")).toBe(live);
    } finally {
      holder.kill("SIGKILL");
      await holder.exited;
    }
  }, 30_000);
});
