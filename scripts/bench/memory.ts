/**
 * Memory benchmark, remote vs tmux in the same run: N idle shell sessions, then the same
 * N sessions after each printed ~1 MiB. Reports the whole footprint (PSS: shared pages of
 * the binary are split between the processes that map them, so the sum is the real cost)
 * and the cost of one more session.
 * Usage: bun scripts/bench/memory.ts [--sessions 10|100]   (default: both; REMOTE_BENCH_BINARY=dist/remote to bench the binary)
 */
import { readFileSync, rmSync } from "node:fs";
import { benchEnv, remoteCmd } from "./harness.ts";

const asked = process.argv.includes("--sessions") ? Number(process.argv[process.argv.indexOf("--sessions") + 1]) : undefined;
if (asked !== undefined && !(Number.isInteger(asked) && asked >= 2)) throw new Error("--sessions takes a whole number of at least 2 (e.g. 10 or 100)");
const COUNTS = asked === undefined ? [10, 100] : [asked];
const { dir, env } = benchEnv();
const tmuxSock = `remote-bench-mem-${process.pid}`;

const run = (argv: string[]) => {
  const r = Bun.spawnSync(argv, { env, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
};

const readProc = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
};
/** Proportional set size in KiB, from the kernel's own rollup. */
const pssKiB = (pid: number): number => Number(/^Pss:\s+(\d+) kB/m.exec(readProc(`/proc/${pid}/smaps_rollup`))?.[1] ?? 0);
const parentPid = (pid: number): number => Number(readProc(`/proc/${pid}/stat`).slice(readProc(`/proc/${pid}/stat`).lastIndexOf(")") + 2).split(" ")[1]);
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

/** One session's work: a shell that prints ~1 MiB (a busy agent's screenful many times over), then waits. */
const PRINT = `for i in $(seq 1 13000); do echo "line $i of output from a busy agent, some text to fill the row"; done; exec sleep 100000`;

type Sessions = Array<{ id: string; state: string; pid: number | null }>;
const remote = {
  name: "remote",
  start: (i: number, busy: boolean) => run([...remoteCmd(), "run", "shell", "--detach", "--name", `m${i}`, ...(busy ? ["--", "-c", PRINT] : [])]),
  /** The processes holding the sessions: the parents of their shells (the host server; one process per session before it). */
  pids: (): number[] => [...new Set((JSON.parse(run([...remoteCmd(), "ls", "--json"])) as Sessions).flatMap((s) => (s.state === "running" && s.pid ? [parentPid(s.pid)] : [])))],
  stopAll: () => {
    for (const s of JSON.parse(run([...remoteCmd(), "ls", "--json"])) as Sessions) if (s.state === "running") run([...remoteCmd(), "stop", s.id]);
    run([...remoteCmd(), "prune"]);
  },
};

const tmux = {
  name: "tmux",
  start: (i: number, busy: boolean) => run(["tmux", "-L", tmuxSock, "-f", "/dev/null", "new-session", "-d", "-s", `m${i}`, "-x", "80", "-y", "24", ...(busy ? [PRINT] : [])]),
  pids: (): number[] => [Number(run(["tmux", "-L", tmuxSock, "display-message", "-p", "#{pid}"]).trim())],
  stopAll: () => {
    Bun.spawnSync(["tmux", "-L", tmuxSock, "kill-server"], { stderr: "ignore" });
    // kill-server returns before the server is gone; a new-session meanwhile meets the dying one.
    while (Bun.spawnSync(["tmux", "-L", tmuxSock, "ls"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0) Bun.sleepSync(20);
    Bun.sleepSync(100);
  },
};

/** Busy sessions print for a while and the host tidies up once output is quiet (~2 s after); wait past that. */
const settle = (busy: boolean, n: number) => Bun.sleepSync(busy ? 5000 + n * 30 : 1500);
const footprint = (t: typeof remote | typeof tmux) => t.pids().reduce((sum, pid) => sum + pssKiB(pid), 0);

const rows: Record<string, Record<string, string>> = {};
try {
  for (const n of COUNTS) {
    for (const busy of [false, true]) {
      const label = `${n} sessions, ${busy ? "after 1 MiB each" : "idle"}`;
      const totals: Record<string, number> = {};
      for (const t of [remote, tmux]) {
        t.start(0, busy);
        settle(busy, 1);
        const one = footprint(t);
        for (let i = 1; i < n; i++) t.start(i, busy);
        settle(busy, n);
        const total = footprint(t);
        t.stopAll();
        totals[t.name] = total;
        const put = (row: string, value: string) => (rows[`${label}: ${row}`] = { ...rows[`${label}: ${row}`], [t.name]: value });
        put("total", mib(total));
        put("per session (total/N)", mib(total / n));
        put("per extra session", mib((total - one) / (n - 1)));
      }
      rows[`${label}: total`] = { ...rows[`${label}: total`], "remote/tmux": `${((totals.remote ?? 0) / Math.max(1, totals.tmux ?? 0)).toFixed(1)}x` };
    }
  }
} finally {
  tmux.stopAll();
  try {
    remote.stopAll();
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
}
console.log("memory benchmark (shell sessions; PSS summed over the processes that hold them: remote's host server, tmux's server)");
console.table(rows);
