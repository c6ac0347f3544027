/**
 * Start-up benchmark: the commands a person or a hook runs most, as whole processes, against a
 * compiled hello-world Bun binary and the tmux client, in the same run, interleaved (one of each
 * per round) so a machine that slows down slows all of them alike.
 *   --version, ls, send, enroll --hook claude-start, attach (to the first screen drawn).
 * Usage: bun scripts/bench/startup.ts [--runs 20]   (REMOTE_BENCH_BINARY=path skips the build of dist/remote)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, ms, percentile, root, spawnClient } from "./harness.ts";

const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 20;
const { dir, env } = benchEnv();

async function run(argv: string[], options: { stdin?: string; cwd?: string } = {}): Promise<void> {
  const p = Bun.spawn(argv, { env, cwd: options.cwd ?? dir, stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin), stdout: "pipe", stderr: "pipe" });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text(), new Response(p.stdout).arrayBuffer()]);
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${err}`);
}

async function compile(entry: string, outfile: string): Promise<void> {
  const p = Bun.spawn([process.execPath, "build", "--compile", entry, "--outfile", outfile], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`cannot compile ${entry}`);
}

// The binaries: ours as shipped (or as given), and the floor any compiled Bun program pays.
const remote = process.env.REMOTE_BENCH_BINARY ? join(root, process.env.REMOTE_BENCH_BINARY) : join(root, "dist", "remote");
if (!process.env.REMOTE_BENCH_BINARY) {
  const build = Bun.spawn([process.execPath, join(root, "scripts", "build.ts")], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if ((await build.exited) !== 0) throw new Error("npm run build failed");
}
mkdirSync(join(dir, "hello"));
writeFileSync(join(dir, "hello", "hello.ts"), 'console.log("hello");\n');
const hello = join(dir, "hello", "hello");
await compile(join(dir, "hello", "hello.ts"), hello);

// One session of each kind to list, send to and attach to; the screen ends with a marker.
const SCREEN = "S1CREEN-READY";
const sessionCommand = `printf '${SCREEN.replace("1", "%s")}\\n' 1; exec cat >/dev/null`;
await run([remote, "run", "shell", "--detach", "--name", "bench", "--", "-c", sessionCommand]);
const tmuxSock = `remote-startup-${process.pid}`;
const tmux = ["tmux", "-L", tmuxSock, "-f", "/dev/null"];
await run([...tmux, "new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", sessionCommand]);

const hookInput = JSON.stringify({ session_id: "bench-hook", cwd: dir, hook_event_name: "SessionStart", source: "startup" });

/** Time from spawning a client in a PTY to the session's screen drawn in it. */
async function attachTime(argv: string[], detachKeys: string): Promise<number> {
  const t0 = performance.now();
  const client = spawnClient(argv, env);
  const t1 = await client.waitFor(SCREEN, 0, 30000);
  client.write(detachKeys);
  await client.kill();
  return t1 - t0;
}

async function processTime(argv: string[], options: { stdin?: string } = {}): Promise<number> {
  const t0 = performance.now();
  await run(argv, options);
  return performance.now() - t0;
}

type Case = { readonly name: string; readonly measure: () => Promise<number> };
const cases: Case[] = [
  { name: "hello-world (compiled Bun)", measure: () => processTime([hello]) },
  { name: "remote --version", measure: () => processTime([remote, "--version"]) },
  { name: "tmux -V", measure: () => processTime([...tmux, "-V"]) },
  { name: "remote ls", measure: () => processTime([remote, "ls"]) },
  { name: "tmux ls", measure: () => processTime([...tmux, "ls"]) },
  { name: "remote send", measure: () => processTime([remote, "send", "bench", "x"]) },
  { name: "tmux send-keys", measure: () => processTime([...tmux, "send-keys", "-t", "bench", "x"]) },
  { name: "remote enroll --hook claude-start", measure: () => processTime([remote, "enroll", "--hook", "claude-start"], { stdin: hookInput }) },
  { name: "remote attach (first screen)", measure: () => attachTime([remote, "attach", "bench"], "\x10\x11") },
  { name: "tmux attach (first screen)", measure: () => attachTime([...tmux, "attach", "-t", "bench"], "\x02d") },
];

const samples = new Map<string, number[]>(cases.map((c) => [c.name, []]));
try {
  // One warm-up round (page cache, the hosts' first client), then RUNS counted rounds.
  for (let round = -1; round < RUNS; round++) {
    for (const c of cases) {
      const t = await c.measure();
      if (round >= 0) samples.get(c.name)?.push(t);
    }
  }
} finally {
  await run([remote, "stop", "bench"]).catch(() => {});
  await run([...tmux, "kill-server"]).catch(() => {});
}

const median = (name: string) => percentile(samples.get(name) ?? [], 50);
const helloMedian = median("hello-world (compiled Bun)");
const tmuxOf: Record<string, string> = { "remote --version": "tmux -V", "remote ls": "tmux ls", "remote send": "tmux send-keys", "remote attach (first screen)": "tmux attach (first screen)" };
console.log(`start-up, ${RUNS} interleaved runs each, wall time from spawn to exit (attach: to its first screen)`);
console.log(`binary: ${remote}`);
console.log(["command".padEnd(36), "median".padStart(10), "p90".padStart(10), "x hello".padStart(8), "x tmux".padStart(8)].join(" "));
for (const c of cases) {
  const values = samples.get(c.name) ?? [];
  const m = percentile(values, 50);
  const other = tmuxOf[c.name];
  const vsHello = c.name.startsWith("remote") ? `${(m / helloMedian).toFixed(2)}x` : "";
  const vsTmux = other ? `${(m / median(other)).toFixed(2)}x` : "";
  console.log([c.name.padEnd(36), ms(m).padStart(10), ms(percentile(values, 90)).padStart(10), vsHello.padStart(8), vsTmux.padStart(8)].join(" "));
}
