/** Shared bench plumbing: a client in a real PTY whose output we can wait on. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const root = join(import.meta.dir, "..", "..");
// Resolved against the current folder: benches spawn it from other working directories.
export const remoteCmd = () => (process.env.REMOTE_BENCH_BINARY ? [resolve(process.env.REMOTE_BENCH_BINARY)] : [process.execPath, join(root, "src/main.ts")]);

export function benchEnv() {
  const dir = mkdtempSync(join(tmpdir(), "remote-bench-"));
  return {
    dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, REMOTE_HOME: join(dir, "remote"), TERM: "xterm-256color", SHELL: "/bin/bash", LANG: "C.UTF-8" } as Record<string, string>,
  };
}

export type PtyClient = {
  readonly write: (data: string) => void;
  /** Resolves with the time (performance.now) at which `needle` first appeared after `since` bytes. */
  readonly waitFor: (needle: string, since?: number, timeoutMs?: number) => Promise<number>;
  readonly received: () => number;
  readonly kill: () => Promise<void>;
};

export function spawnClient(argv: string[], env: Record<string, string>, cols = 80, rows = 24): PtyClient {
  let text = "";
  const waiters: Array<() => void> = [];
  const decoder = new TextDecoder();
  const proc = Bun.spawn(argv, {
    env,
    detached: true,
    terminal: {
      cols,
      rows,
      data: (_t, data) => {
        text += decoder.decode(data, { stream: true });
        // Keep memory bounded on big drains: the needles we look for are short.
        if (text.length > 1 << 20) {
          consumed += text.length - 4096;
          text = text.slice(-4096);
        }
        for (const w of waiters.splice(0)) w();
      },
    },
  });
  let consumed = 0;
  return {
    write: (data) => proc.terminal?.write(data),
    received: () => consumed + text.length,
    waitFor: (needle, since = 0, timeoutMs = 60000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timeout waiting for ${JSON.stringify(needle)}`)), timeoutMs);
        const check = () => {
          const from = Math.max(0, since - consumed);
          if (text.indexOf(needle, from) >= 0) {
            clearTimeout(timer);
            resolve(performance.now());
          } else waiters.push(check);
        };
        check();
      }),
    kill: async () => {
      proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}

export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

export const ms = (n: number) => `${n.toFixed(2)} ms`;

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
};

/** The 1-, 5- and 15-minute load averages: other work on a shared machine moves every number. */
export const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** Newest modification time under a folder (ms). */
function newestUnder(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(path).map((name) => newestUnder(join(path, name))));
}

/**
 * The binary a bench measures: REMOTE_BENCH_BINARY if given, else dist/remote, built first
 * when it is missing or older than src/ (a bench of stale code measures nothing).
 */
export async function benchBinary(): Promise<string> {
  if (process.env.REMOTE_BENCH_BINARY) return process.env.REMOTE_BENCH_BINARY;
  const binary = join(root, "dist", "remote");
  const built = statSync(binary, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (built < Math.max(newestUnder(join(root, "src")), newestUnder(join(root, "package.json")))) {
    console.log(built === 0 ? "dist/remote is missing: building it" : "dist/remote is older than src/: rebuilding it");
    const build = Bun.spawn([process.execPath, join(root, "scripts", "build.ts")], { cwd: root, stdout: "ignore", stderr: "inherit" });
    if ((await build.exited) !== 0) throw new Error("npm run build failed");
  }
  return binary;
}

/** Compiles a Bun hello-world into `dir`: the start-up floor of any compiled Bun program. Returns its path. */
export async function compileHelloWorld(dir: string): Promise<string> {
  mkdirSync(join(dir, "hello"), { recursive: true });
  writeFileSync(join(dir, "hello", "hello.ts"), 'console.log("hello");\n');
  const out = join(dir, "hello", "hello");
  const p = Bun.spawn([process.execPath, "build", "--compile", join(dir, "hello", "hello.ts"), "--outfile", out], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error("cannot compile the hello-world binary");
  return out;
}

/** Wall time from spawning `argv` in a PTY to its first output byte (what a person waits for before anything shows). */
export async function timeToFirstByte(argv: string[], env: Record<string, string>): Promise<number> {
  const { promise, resolve } = Promise.withResolvers<number>();
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { env, terminal: { cols: 80, rows: 24, data: () => resolve(performance.now()) } });
  const t1 = await promise;
  await proc.exited;
  return t1 - t0;
}

/** A way to run and attach to sessions, for the measurements below. `command` is a shell command line. */
export type BenchTarget = {
  readonly name: string;
  readonly start: (name: string, command: string) => Promise<void>;
  readonly attach: (name: string) => PtyClient;
  readonly stop: (name: string) => Promise<void>;
};

/** Keystroke echo latency through an attached client: client -> host -> pty -> client. */
export async function echoLatency(t: BenchTarget, keys: number): Promise<number[]> {
  // `cat` in a tty with echo on: the kernel echoes each key.
  await t.start("echo", "printf R$((1+1))EADY; stty -icanon; exec cat");
  const c = t.attach("echo");
  // Keys typed before the client is attached and raw would be echoed by our own PTY.
  await c.waitFor("R2EADY", 0);
  const samples: number[] = [];
  const alphabet = "abcdefghijklmnopqrstuvwxyz";
  // Warm up once, then measure.
  for (let i = -5; i < keys; i++) {
    const key = alphabet[(i + 26) % 26] as string;
    const since = c.received();
    const t0 = performance.now();
    c.write(key);
    const t1 = await c.waitFor(key, since);
    if (i >= 0) samples.push(t1 - t0);
  }
  await c.kill();
  await t.stop("echo");
  return samples;
}

/**
 * Time from typing `cat file` to seeing the marker after it: the whole file drained to the
 * client. `stats.received` gets the characters the client saw (less than the file when the
 * client fell out of the retained window and got a screen snapshot instead).
 */
export async function drainTime(t: BenchTarget, file: string, stats: { received?: number } = {}): Promise<number> {
  await t.start("drain", "exec bash --norc --noprofile");
  const c = t.attach("drain");
  c.write("PS1='$ '\r");
  await c.waitFor("$ ");
  const since = c.received();
  const t0 = performance.now();
  c.write(`cat ${file}; echo D$((1+1))NE\r`);
  const t1 = await c.waitFor("D2NE", since, 120000);
  stats.received = c.received() - since;
  await c.kill();
  await t.stop("drain");
  return t1 - t0;
}
