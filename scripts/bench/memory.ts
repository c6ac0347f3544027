/**
 * Memory benchmark, remote vs tmux in the same run: N idle shell sessions, then the same
 * N sessions after each printed ~1 MiB. Reports the whole footprint (PSS: shared pages of
 * the binary are split between the processes that map them, so the sum is the real cost)
 * and the cost of one more session.
 * Usage: bun scripts/bench/memory.ts [--sessions 10]   (REMOTE_BENCH_BINARY=dist/remote to bench the binary)
 */
import { readFileSync, rmSync } from "node:fs";
import { benchEnv, remoteCmd } from "./harness.ts";

const N = Number(process.argv[process.argv.indexOf("--sessions") + 1]) || 10;
const { dir, env } = benchEnv();
const tmuxSock = `remote-bench-mem-${process.pid}`;

const run = (argv: string[]) => {
  const r = Bun.spawnSync(argv, { env, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
};

/** Proportional set size in KiB, from the kernel's own rollup. */
const pssKiB = (pid: number): number => {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

/** One session's work: a shell that prints ~1 MiB (a busy agent's screenful many times over), then waits. */
const PRINT = `for i in $(seq 1 13000); do echo "line $i of output from a busy agent, some text to fill the row"; done; exec sleep 100000`;

const remote = {
  name: "remote",
  start: (i: number, busy: boolean) => run([...remoteCmd(), "run", "shell", "--detach", "--name", `m${i}`, ...(busy ? ["--", "-c", PRINT] : [])]),
  pids: (): number[] => (JSON.parse(run([...remoteCmd(), "ls", "--json"])) as Array<{ id: string; state: string }>).flatMap((s) => (s.state === "running" ? [hostPid(s.id)] : [])),
  stopAll: () => {
    for (const s of JSON.parse(run([...remoteCmd(), "ls", "--json"])) as Array<{ id: string; state: string }>) if (s.state === "running") run([...remoteCmd(), "stop", s.id]);
    run([...remoteCmd(), "prune"]);
  },
};
/** The session host's pid (the record's `pid` is the shell inside it). */
function hostPid(id: string): number {
  const out = Bun.spawnSync(["pgrep", "-f", `__host ${id}`]).stdout.toString().trim().split("\n")[0];
  return Number(out);
}

const tmux = {
  name: "tmux",
  start: (i: number, busy: boolean) => run(["tmux", "-L", tmuxSock, "-f", "/dev/null", "new-session", "-d", "-s", `m${i}`, "-x", "80", "-y", "24", ...(busy ? [PRINT] : [])]),
  pids: (): number[] => {
    const server = Number(run(["tmux", "-L", tmuxSock, "display-message", "-p", "#{pid}"]).trim());
    return [server];
  },
  stopAll: () => {
    Bun.spawnSync(["tmux", "-L", tmuxSock, "kill-server"], { stderr: "ignore" });
    // kill-server returns before the server is gone; a new-session meanwhile meets the dying one.
    while (Bun.spawnSync(["tmux", "-L", tmuxSock, "ls"], { stdout: "ignore", stderr: "ignore" }).exitCode === 0) Bun.sleepSync(20);
    Bun.sleepSync(100);
  },
};

const settle = () => Bun.sleepSync(1500);
const results: Record<string, Record<string, string>> = {};
try {
  for (const t of [remote, tmux]) {
    const row: Record<string, string> = {};
    for (const busy of [false, true]) {
      for (let i = 0; i < N; i++) t.start(i, busy);
      settle();
      const total = t.pids().reduce((sum, pid) => sum + pssKiB(pid), 0);
      t.stopAll();
      t.start(0, busy);
      settle();
      const one = t.pids().reduce((sum, pid) => sum + pssKiB(pid), 0);
      t.stopAll();
      const label = busy ? "after 1 MiB each" : "idle";
      row[`${N} sessions, ${label}`] = mib(total);
      row[`per extra session, ${label}`] = mib((total - one) / Math.max(1, N - 1));
    }
    results[t.name] = row;
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
console.log(`memory benchmark (${N} shell sessions; PSS summed over the processes that hold them: remote's session hosts, tmux's server)`);
console.table(results);
