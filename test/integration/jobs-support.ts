/**
 * Shared by the jobs-*.test.ts files: a temp REMOTE_HOME with a git repo, the fake agent
 * CLIs first on PATH, and cleanup of every runner and agent the jobs started.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createProcessAdapter } from "../../src/adapters/process/process-adapter.ts";
import { createSqliteJobStore } from "../../src/adapters/store/sqlite-job-store.ts";
import { conductorLockPath, conductorLogPath, lockHolder } from "../../src/app/jobs/conductor-lock.ts";
import type { JobRecord } from "../../src/domain/jobs/job.ts";
import type { ProcessIdentity } from "../../src/domain/session.ts";
import { repoRoot, tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";

export const fakeBin = join(repoRoot, "test", "fixtures", "bin");

/** Stops every runner and agent recorded in a job store, so no job outlives its test. */
export function killJobs(storePath: string) {
  if (!existsSync(storePath)) return;
  let jobs: JobRecord[] = [];
  try {
    const store = createSqliteJobStore({ path: storePath, busyTimeoutMs: 2000 });
    jobs = store.list();
    store.close();
  } catch {
    return;
  }
  const proc = createProcessAdapter();
  for (const j of jobs) {
    if (j.agent && proc.isAlive(j.agent)) proc.signal(j.agent.pid, "SIGKILL", true);
    if (j.runner && proc.isAlive(j.runner)) proc.signal(j.runner.pid, "SIGKILL");
  }
}

/** Every automatic conductor that held a home's lock, from the "took" lines of conductor.log, in order. */
export function conductorHolders(remoteHome: string): ProcessIdentity[] {
  const log = conductorLogPath({ home: remoteHome });
  if (!existsSync(log)) return [];
  return [...readFileSync(log, "utf8").matchAll(/conductor \d+: took \S+ \(pid (\d+), start (\S+)\)/g)].map((m) => ({ pid: Number(m[1]), startTime: m[2] as string }));
}

/** Processes running `jobs conduct ... --until-idle` for this REMOTE_HOME (read from /proc). */
export function conductorProcesses(remoteHome: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (!argv.includes("--until-idle")) continue;
      if (readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(`REMOTE_HOME=${remoteHome}`)) found.push(Number(name));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Stops the automatic conductor: the lock's holder, every holder its log names, and any about to take the lock. */
export function killConductors(remoteHome: string) {
  const proc = createProcessAdapter();
  const holders = [lockHolder(conductorLockPath({ home: remoteHome })), ...conductorHolders(remoteHome)];
  for (const who of holders) if (who && proc.isAlive(who)) proc.signal(who.pid, "SIGKILL");
  for (const pid of conductorProcesses(remoteHome)) proc.signal(pid, "SIGKILL");
}

function git(cwd: string, args: string[]) {
  const r = Bun.spawnSync(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

/** A temp home + a git repo with one commit; the fakes log argv and run times into files. */
export function jobsHome(extraEnv: Record<string, string> = {}) {
  const home = tempHome("remote-jobs-");
  const repo = join(home.dir, "repo");
  mkdirSync(repo);
  git(repo, ["init", "-q"]);
  writeFileSync(join(repo, "README.md"), "hello\n");
  git(repo, ["add", "README.md"]);
  git(repo, ["commit", "-q", "-m", "init"]);
  const argvLog = join(home.dir, "argv.jsonl");
  const timesLog = join(home.dir, "times.jsonl");
  const env: Record<string, string> = {
    ...home.env,
    PATH: `${fakeBin}:${home.env.PATH}`,
    FAKE_CLI_LOG: argvLog,
    FAKE_CLI_TIMES: timesLog,
    ...extraEnv,
  };
  const storePath = join(home.env.REMOTE_HOME as string, "remote.db");
  return {
    dir: home.dir,
    repo,
    env,
    storePath,
    argvLog,
    timesLog,
    git: (args: string[]) => git(repo, args),
    /** Reads the job store directly (a real SQLite reader beside the CLI's writers). */
    jobs: (): JobRecord[] => {
      if (!existsSync(storePath)) return [];
      const store = createSqliteJobStore({ path: storePath });
      try {
        return store.list();
      } finally {
        store.close();
      }
    },
    [Symbol.dispose]: () => {
      // Conductors start runners and runners start conductors: conductors before and after.
      killConductors(home.env.REMOTE_HOME as string);
      killJobs(storePath);
      killConductors(home.env.REMOTE_HOME as string);
      home[Symbol.dispose]();
    },
  };
}

/**
 * The fake CLIs' argv log, each argv as the person's command line: without the hook wiring a
 * session adds for the run (claude `--settings <json>`, codex `-c notify=[...]`, issue 13).
 */
export const readArgvLog = (path: string): string[][] =>
  readJsonLines<string[]>(path).map((argv) => argv.filter((arg, i) => !isHookWiring(arg) && !(isHookWiring(argv[i + 1] ?? "") && (arg === "--settings" || arg === "-c"))));
const isHookWiring = (arg: string) => arg.includes("__signal");

export const readJsonLines = <T>(path: string): T[] =>
  existsSync(path)
    ? readFileSync(path, "utf8")
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as T)
    : [];

/** Re-checks `predicate` until it holds (the timeout is only a failure guard). */
export const until = <T>(predicate: () => T | undefined | false, what: string, timeoutMs = 30_000, everyMs = 50): Promise<T> =>
  eventually(predicate, what, timeoutMs, everyMs);

export type RunTimes = { cli: string; pid: number; start: number; end: number; exitCode: number };

/** The most runs that overlapped in time (an end at the same ms as a start does not overlap). */
export function maxOverlap(runs: readonly RunTimes[]): number {
  const points = runs.flatMap((r) => [
    { at: r.start, delta: 1 },
    { at: r.end, delta: -1 },
  ]);
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let max = 0;
  for (const p of points) {
    now += p.delta;
    max = Math.max(max, now);
  }
  return max;
}

/** A plugin that appends "<event> <state>" for every job event (from whichever process emits it); returns its file. */
export function recordEvents(home: { readonly dir: string; readonly env: Record<string, string> }): string {
  const file = join(home.dir, "events.txt");
  const plugins = join(home.env.REMOTE_HOME as string, "plugins");
  mkdirSync(plugins, { recursive: true });
  const events = ["job:queued", "job:start", "job:throttle", "job:resume", "job:done", "job:fail"];
  writeFileSync(
    join(plugins, "record.ts"),
    `import { appendFileSync } from "node:fs";
export default { name: "record", setup(hooks) {
  for (const name of ${JSON.stringify(events)}) hooks.hook(name, ({ job }) => appendFileSync(${JSON.stringify(file)}, name + " " + job.state + "\\n"));
} };\n`,
  );
  return file;
}
