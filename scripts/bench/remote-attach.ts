/**
 * Remote attach benchmark: the same client in a real PTY, attached through the local
 * Unix socket and through `remote serve`'s WebSocket (same machine, same run):
 *  - keystroke echo latency (p50/p99),
 *  - time to drain 16 MiB of output to the attached client (retained whole, so both paths
 *    carry every byte; "client got" shows what arrived).
 * Usage: bun scripts/bench/remote-attach.ts [--keys 300]   (REMOTE_BENCH_BINARY=dist/remote to bench the binary)
 */
import { readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { benchEnv, drainTime, echoLatency, ms, percentile, remoteCmd, spawnClient, type BenchTarget } from "./harness.ts";

const KEYS = Number(process.argv[process.argv.indexOf("--keys") + 1]) || 300;
const DRAIN_BYTES = 16 * 1024 * 1024;

const { dir, env } = benchEnv();
const home = env.REMOTE_HOME as string;
mkdirSync(home, { recursive: true });
// Retain the whole drain: with the default 8 MiB a client that lags gets a screen snapshot
// instead of the bytes, and the two paths would not be drained the same amount.
writeFileSync(join(home, "config.toml"), `retain_bytes = ${32 * 1024 * 1024}\n`);
const run = async (argv: string[], extraEnv: Record<string, string> = {}) => {
  const p = Bun.spawn(argv, { env: { ...env, ...extraEnv }, stdout: "pipe", stderr: "pipe" });
  const code = await p.exited;
  if (code !== 0) throw new Error(`${argv.join(" ")} failed: ${await new Response(p.stderr).text()}`);
};

/** `remote serve` on a free port, sharing REMOTE_HOME with the local CLI: the same sessions both ways. */
async function startServe() {
  const proc = Bun.spawn([...remoteCmd(), "serve", "--port", "0"], { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  const decoder = new TextDecoder();
  let text = "";
  const reader = proc.stderr.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
    const url = /remote control plane on (http:\/\/\S+)/.exec(text)?.[1];
    if (url) {
      // Keep reading: a full stderr pipe would stall the server (it logs every request).
      void (async () => {
        while (!(await reader.read()).done);
      })();
      return { proc, url, token: readFileSync(join(home, "token"), "utf8").trim() };
    }
  }
  throw new Error(`remote serve did not start:\n${text}`);
}

const serve = await startServe();
const start = (name: string, command: string) => run([...remoteCmd(), "run", "shell", "--detach", "--name", name, "--", "-c", command]);
const stop = (name: string) => run([...remoteCmd(), "stop", name]);
const unix: BenchTarget = { name: "unix socket", start, stop, attach: (name) => spawnClient([...remoteCmd(), "attach", name], env) };
const websocket: BenchTarget = {
  name: "websocket",
  start,
  stop,
  attach: (name) => spawnClient([...remoteCmd(), "attach", name, "--remote", serve.url], { ...env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token }),
};

const big = join(dir, "big.txt");
const line = `${"0123456789abcdefghijklmnopqrstuvwxyz".repeat(3).slice(0, 79)}\n`;
writeFileSync(big, line.repeat(Math.ceil(DRAIN_BYTES / line.length)).slice(0, DRAIN_BYTES));

const results: Record<string, Record<string, string>> = {};
try {
  for (const t of [unix, websocket]) {
    const echo = await echoLatency(t, KEYS);
    const stats: { received?: number } = {};
    const drained = await drainTime(t, big, stats);
    results[t.name] = {
      "echo p50": ms(percentile(echo, 50)),
      "echo p99": ms(percentile(echo, 99)),
      "drain 16 MiB": ms(drained),
      // Below 16 MiB would mean the client fell out of the retained window (a snapshot replaced bytes); a bit above is the PTY's \r per line.
      "client got": `${((stats.received ?? 0) / 1024 / 1024).toFixed(1)} MiB`,
    };
  }
} finally {
  serve.proc.kill("SIGTERM");
  await serve.proc.exited;
  // Stop whatever a failed run left behind.
  const left = JSON.parse(Bun.spawnSync([...remoteCmd(), "ls", "--json"], { env }).stdout.toString() || "[]") as Array<{ id: string; state: string }>;
  for (const s of left.filter((x) => x.state === "running")) Bun.spawnSync([...remoteCmd(), "stop", s.id], { env });
  rmSync(dir, { recursive: true, force: true });
}
console.log(`remote attach benchmark (${KEYS} keys, ${DRAIN_BYTES} bytes drained; client in a real PTY; same machine, same run)`);
console.table(results);
