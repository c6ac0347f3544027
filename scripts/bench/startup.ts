/**
 * Start-up benchmark: the commands a person or a hook runs most, as whole processes, against a
 * compiled hello-world Bun binary and the tmux client, in the same run, interleaved (one of each
 * per round) so a machine that slows down slows all of them alike.
 *   --version, ls, send, enroll --hook claude-start, attach (to the first screen drawn).
 * Each is timed as wall time (spawn to exit; attach: to its first screen drawn) and as the CPU time
 * the process used (user + system), which a busy shared machine distorts less.
 * Usage: bun scripts/bench/startup.ts [--runs 20]
 *   REMOTE_BENCH_BINARY=path     bench that binary instead of building dist/remote
 *   REMOTE_BENCH_BASELINE=path   also bench an older binary in the same run (before/after rows)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { benchEnv, ms, percentile, root } from "./harness.ts";

const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 20;
const { dir, env } = benchEnv();

/** Runs a command to its end; returns the CPU time it used, in ms. */
async function run(argv: string[], options: { stdin?: string } = {}): Promise<number> {
  const p = Bun.spawn(argv, { env, cwd: dir, stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin), stdout: "pipe", stderr: "pipe" });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text(), new Response(p.stdout).arrayBuffer()]);
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${err}`);
  return cpuMs(p);
}

/** CPU time (user + system, microseconds) of a finished process, in ms. */
const cpuMs = (p: { resourceUsage: () => { cpuTime: { total: number | bigint } } | undefined }) => Number(p.resourceUsage()?.cpuTime.total ?? Number.NaN) / 1000;

type Sample = { readonly wall: number; readonly cpu: number };

async function compile(entry: string, outfile: string): Promise<void> {
  const p = Bun.spawn([process.execPath, "build", "--compile", entry, "--outfile", outfile], { cwd: root, stdout: "ignore", stderr: "inherit" });
  if ((await p.exited) !== 0) throw new Error(`cannot compile ${entry}`);
}

// The binaries: ours as shipped (or as given), and the floor any compiled Bun program pays.
const remote = resolve(root, process.env.REMOTE_BENCH_BINARY ?? join("dist", "remote"));
const baseline = process.env.REMOTE_BENCH_BASELINE ? resolve(root, process.env.REMOTE_BENCH_BASELINE) : undefined;
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
if (baseline) await run([baseline, "run", "shell", "--detach", "--name", "bench-baseline", "--", "-c", sessionCommand]);
const tmuxSock = `remote-startup-${process.pid}`;
const tmux = ["tmux", "-L", tmuxSock, "-f", "/dev/null"];
await run([...tmux, "new-session", "-d", "-s", "bench", "-x", "80", "-y", "24", sessionCommand]);

const hookInput = JSON.stringify({ session_id: "bench-hook", cwd: dir, hook_event_name: "SessionStart", source: "startup" });

/** From spawning a client in a PTY to the session's screen drawn in it (its CPU: up to when it is killed, just after). */
async function attachTime(argv: string[]): Promise<Sample> {
  const t0 = performance.now();
  let seen = "";
  const { promise: drawn, resolve } = Promise.withResolvers<number>();
  const decoder = new TextDecoder();
  const client = Bun.spawn(argv, {
    env,
    cwd: dir,
    terminal: {
      cols: 80,
      rows: 24,
      data: (_t, data) => {
        seen += decoder.decode(data, { stream: true });
        if (seen.includes(SCREEN)) resolve(performance.now());
      },
    },
  });
  const guard = setTimeout(() => client.kill("SIGKILL"), 30000);
  const t1 = await Promise.race([drawn, client.exited.then(() => Number.NaN)]);
  clearTimeout(guard);
  client.kill("SIGKILL");
  await client.exited;
  if (Number.isNaN(t1)) throw new Error(`${argv.join(" ")} ended before drawing the screen: ${JSON.stringify(seen.slice(-300))}`);
  return { wall: t1 - t0, cpu: cpuMs(client) };
}

async function processTime(argv: string[], options: { stdin?: string } = {}): Promise<Sample> {
  const t0 = performance.now();
  const cpu = await run(argv, options);
  return { wall: performance.now() - t0, cpu };
}

type Case = { readonly name: string; readonly measure: () => Promise<Sample> };
/** The remote commands, for a binary; `session` is the session it started. */
const remoteCases = (label: string, bin: string, session: string): Case[] => [
  { name: `${label} --version`, measure: () => processTime([bin, "--version"]) },
  { name: `${label} ls`, measure: () => processTime([bin, "ls"]) },
  { name: `${label} send`, measure: () => processTime([bin, "send", session, "x"]) },
  { name: `${label} enroll --hook claude-start`, measure: () => processTime([bin, "enroll", "--hook", "claude-start"], { stdin: hookInput }) },
  { name: `${label} attach (first screen)`, measure: () => attachTime([bin, "attach", session]) },
];
const cases: Case[] = [
  { name: "hello-world (compiled Bun)", measure: () => processTime([hello]) },
  ...remoteCases("remote", remote, "bench"),
  ...(baseline ? remoteCases("baseline", baseline, "bench-baseline") : []),
  { name: "tmux -V", measure: () => processTime([...tmux, "-V"]) },
  { name: "tmux ls", measure: () => processTime([...tmux, "ls"]) },
  { name: "tmux send-keys", measure: () => processTime([...tmux, "send-keys", "-t", "bench", "x"]) },
  { name: "tmux attach (first screen)", measure: () => attachTime([...tmux, "attach", "-t", "bench"]) },
];

const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
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
  if (baseline) await run([baseline, "stop", "bench-baseline"]).catch(() => {});
  await run([...tmux, "kill-server"]).catch(() => {});
}

const of = (name: string, what: keyof Sample) => (samples.get(name) ?? []).map((s) => s[what]);
const median = (name: string, what: keyof Sample) => percentile(of(name, what), 50);
const HELLO = "hello-world (compiled Bun)";
const tmuxOf = (name: string) => ({ "--version": "tmux -V", ls: "tmux ls", send: "tmux send-keys", "attach (first screen)": "tmux attach (first screen)" })[name.replace(/^(remote|baseline) /, "")];
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log(`start-up, ${RUNS} interleaved runs each; wall: spawn to exit (attach: to its first screen); cpu: user + system of the process`);
console.log(`binary: ${remote}${baseline ? `; baseline: ${baseline}` : ""}`);
console.log(["command".padEnd(34), "wall p50".padStart(10), "wall p90".padStart(10), "x hello".padStart(8), "x tmux".padStart(8), "cpu p50".padStart(10), "x hello".padStart(8), "x tmux".padStart(8)].join(" "));
for (const c of cases) {
  const ours = !c.name.startsWith("tmux") && c.name !== HELLO;
  const other = tmuxOf(c.name);
  const cells = (what: keyof Sample) => [ours ? ratio(median(c.name, what), median(HELLO, what)) : "", other ? ratio(median(c.name, what), median(other, what)) : ""].map((x) => x.padStart(8));
  console.log([c.name.padEnd(34), ms(median(c.name, "wall")).padStart(10), ms(percentile(of(c.name, "wall"), 90)).padStart(10), ...cells("wall"), ms(median(c.name, "cpu")).padStart(10), ...cells("cpu")].join(" "));
}
