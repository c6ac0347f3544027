/**
 * Workspace push benchmark (issue 10 must-show): a generated 20,000-file tree pushed to a
 * real `remote serve` on loopback, against `tar czf` of the same tree; then a one-file
 * edit pushed again (goal: under 100 ms end to end). Each push is timed twice: the CLI
 * as a person runs it (spawn to exit, process start included) and the push use case in
 * this process. The CLI's CPU time (user + system) is printed beside its wall time: on a
 * machine shared with other work the wall time mostly measures the queue for a core.
 * Usage: REMOTE_BENCH_BINARY=dist/remote bun scripts/bench/workspace.ts [--files 20000] [--edits 9]
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { pushWorkspace } from "../../src/app/workspace/push.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { benchEnv, remoteCmd, root } from "./harness.ts";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) || fallback : fallback;
};
const FILES = arg("--files", 20_000);
const EDITS = arg("--edits", 9);
const ms = (t: number) => `${t.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const { dir, env } = benchEnv();
const tree = join(dir, "tree");
// Source-like files: 100 per folder, 200..2000 bytes of text, a fixed pattern so runs compare.
let totalBytes = 0;
for (let i = 0; i < FILES; i++) {
  const folder = join(tree, `pkg${String(Math.floor(i / 100)).padStart(3, "0")}`);
  if (i % 100 === 0) mkdirSync(folder, { recursive: true });
  const size = 200 + ((i * 7919) % 1800);
  const text = `// file ${i}\n${"export const value = 42; // some source text\n".repeat(Math.ceil(size / 46))}`.slice(0, size);
  writeFileSync(join(folder, `mod${i}.ts`), text);
  totalBytes += size;
}
writeFileSync(join(tree, ".gitignore"), "node_modules/\n*.log\n");
console.log(`tree: ${FILES} files, ${(totalBytes / 1024 / 1024).toFixed(1)} MiB in ${tree}`);

// The control plane: a real `remote serve` with its own data dir.
const serverHome = join(dir, "server");
const serve = Bun.spawn([...remoteCmd(), "serve", "--port", "0", "--data", serverHome], { env: { ...env, REMOTE_HOME: serverHome }, cwd: root, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
let banner = "";
const reader = serve.stderr.getReader();
while (!/control plane on (http:\/\/\S+)/.test(banner)) {
  const { done, value } = await reader.read();
  if (done) throw new Error(`remote serve did not start:\n${banner}`);
  banner += new TextDecoder().decode(value);
}
const url = (/control plane on (http:\/\/\S+)/.exec(banner) as RegExpExecArray)[1] as string;
const token = (await Bun.file(join(serverHome, "token")).text()).trim();
const clientEnv = { ...env, REMOTE_URL: url, REMOTE_TOKEN: token };

const timed = async (argv: string[], cwd: string) => {
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { env: clientEnv, cwd, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const elapsed = performance.now() - t0;
  if (code !== 0) throw new Error(`${argv.join(" ")} exited ${code}: ${err}`);
  const cpu = Number(proc.resourceUsage()?.cpuTime.total ?? 0n) / 1000;
  return { elapsed, out, cpu };
};
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`client: ${remoteCmd().join(" ")}; load average before: ${load()}`);

try {
  const tarOut = join(dir, "tree.tgz");
  const tar = await timed(["tar", "czf", tarOut, "-C", tree, "."], dir);
  console.log(`tar czf (same tree):          ${ms(tar.elapsed)}  (${(Bun.file(tarOut).size / 1024 / 1024).toFixed(1)} MiB; CPU ${ms(tar.cpu)})`);

  const first = await timed([...remoteCmd(), "workspace", "push", "--json"], tree);
  const summary = JSON.parse(first.out) as { filesSent: number; bytesSent: number; archiveBytes: number };
  console.log(`first push (CLI, end to end): ${ms(first.elapsed)}  (${summary.filesSent} files, ${(summary.bytesSent / 1024 / 1024).toFixed(1)} MiB, ${(summary.archiveBytes / 1024 / 1024).toFixed(1)} MiB on the wire; CPU ${ms(first.cpu)})`);

  const noop = await timed([...remoteCmd(), "workspace", "push", "--json"], tree);
  console.log(`push, nothing changed (CLI):  ${ms(noop.elapsed)}  (${JSON.parse(noop.out).filesSent} files sent; CPU ${ms(noop.cpu)})`);

  const cli: number[] = [];
  const cliCpu: number[] = [];
  const inProcess: number[] = [];
  const deps = { ...createRealDeps(clientEnv), cwd: tree };
  for (let i = 0; i < EDITS; i++) {
    writeFileSync(join(tree, "pkg000", "mod0.ts"), `// edit ${i} (cli)\n`);
    const edit = await timed([...remoteCmd(), "workspace", "push", "--json"], tree);
    if (JSON.parse(edit.out).filesSent !== 1) throw new Error(`an edit sent ${edit.out}`);
    cli.push(edit.elapsed);
    cliCpu.push(edit.cpu);
    writeFileSync(join(tree, "pkg000", "mod1.ts"), `// edit ${i} (in process)\n`);
    const t0 = performance.now();
    const result = await pushWorkspace(deps);
    inProcess.push(performance.now() - t0);
    if (result.filesSent !== 1) throw new Error(`an edit sent ${result.filesSent} files`);
  }
  console.log(`one-file edit (CLI, end to end): p50 ${ms(median(cli))} of ${EDITS} (${cli.map((t) => t.toFixed(0)).join(", ")}); CPU p50 ${ms(median(cliCpu))}`);
  console.log(`one-file edit (push use case):   p50 ${ms(median(inProcess))} of ${EDITS} (${inProcess.map((t) => t.toFixed(0)).join(", ")})`);
  console.log(`goal: the edit under 100 ms end to end -> ${median(cli) < 100 ? "met" : "NOT met"} (CLI), ${median(inProcess) < 100 ? "met" : "NOT met"} (use case); load average after: ${load()}`);
} finally {
  serve.kill("SIGTERM");
  await serve.exited;
  rmSync(dir, { recursive: true, force: true });
}
