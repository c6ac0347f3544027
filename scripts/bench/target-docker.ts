/**
 * Container targets benchmark, next to local sessions in the same run (real podman with a
 * private CONTAINERS_CONF, --network none, the image from `npm run image:local`):
 *  - time from `remote run ... --target docker|kubernetes` (attached, in a PTY) to its first screen,
 *  - keystroke echo latency through an attached client (docker: podman exec + bridge;
 *    kubernetes: the real kubectl exec over WebSocket to the fake API server of test/support,
 *    whose Pods are podman containers of the same image: apply, schedule and exec are real
 *    client-side work, the API server is a local fake).
 * Usage: bun scripts/bench/target-docker.ts [--keys 200] [--runs 5]   (REMOTE_BENCH_BINARY=dist/remote for the binary)
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildLocalImage } from "../image/local.ts";
import { startFakeKubeApi } from "../../test/support/fake-kube-api.ts";
import { sharedPodman } from "../../test/support/fake-kube-podman.ts";
import { podmanRuntime } from "../../test/support/fake-kube-pods.ts";
import { benchEnv, echoLatency, ms, percentile, remoteCmd, root, spawnClient, type BenchTarget } from "./harness.ts";

const KEYS = Number(process.argv[process.argv.indexOf("--keys") + 1]) || 200;
const RUNS = Number(process.argv[process.argv.indexOf("--runs") + 1]) || 5;
const IMAGE = "localhost/remote-session:local";

const { dir, env } = benchEnv();
env.CONTAINERS_CONF = join(dir, "containers.conf");
writeFileSync(env.CONTAINERS_CONF, '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\n');
mkdirSync(env.REMOTE_HOME as string, { recursive: true, mode: 0o700 });
writeFileSync(join(env.REMOTE_HOME as string, "config.toml"), 'container_network = "none"\ncontainer_engine = "podman"\n');

const run = async (argv: string[]) => {
  const p = Bun.spawn(argv, { env, stdout: "pipe", stderr: "pipe" });
  const code = await p.exited;
  if (code !== 0) throw new Error(`${argv.join(" ")} failed: ${await new Response(p.stderr).text()}`);
};

const built = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: root, stdout: "pipe", stderr: "pipe" });
if (built.exitCode !== 0) throw new Error(built.stderr.toString());
await buildLocalImage({ engine: "podman", tag: IMAGE, binary: join(root, "dist/remote"), env: { ...process.env, CONTAINERS_CONF: env.CONTAINERS_CONF } });

const kube = Bun.which("kubectl") ? startFakeKubeApi({ runtime: podmanRuntime(sharedPodman(env.CONTAINERS_CONF)) }) : undefined;
if (kube) env.KUBECONFIG = kube.kubeconfig;
else console.warn("kubectl is not on PATH: the kubernetes row is skipped");

const where = { local: [] as string[], docker: ["--target", "docker", "--image", IMAGE], kubernetes: ["--target", "kubernetes", "--namespace", "bench", "--image", IMAGE] };
const target = (kind: keyof typeof where): BenchTarget => ({
  name: kind,
  start: (name, command) => run([...remoteCmd(), "run", "shell", ...where[kind], "--detach", "--name", name, "--", "-c", command]),
  attach: (name) => spawnClient([...remoteCmd(), "attach", name], env),
  stop: (name) => run([...remoteCmd(), "stop", name]),
});

/** `remote run` attached in a PTY, until the session's first output is on the screen. */
async function firstScreen(kind: keyof typeof where, i: number): Promise<number> {
  const name = `first-${kind}-${i}`;
  const t0 = performance.now();
  const client = spawnClient([...remoteCmd(), "run", "shell", ...where[kind], "--name", name, "--", "-c", "printf F$((1+1))IRST; exec cat"], env);
  const t1 = await client.waitFor("F2IRST");
  await client.kill();
  await run([...remoteCmd(), "stop", name]);
  return t1 - t0;
}

try {
  const rows: string[] = [];
  for (const kind of ["local", "docker", ...(kube ? (["kubernetes"] as const) : [])] as const) {
    const starts: number[] = [];
    for (let i = 0; i < RUNS; i++) starts.push(await firstScreen(kind, i));
    const echo = await echoLatency(target(kind), KEYS);
    rows.push(`${kind.padEnd(10)} run->first screen p50 ${ms(percentile(starts, 50))} (min ${ms(Math.min(...starts))}, max ${ms(Math.max(...starts))})   echo p50 ${ms(percentile(echo, 50))} p99 ${ms(percentile(echo, 99))}`);
  }
  console.log(`target bench (${RUNS} starts, ${KEYS} keys each; podman, --network none)`);
  for (const row of rows) console.log(row);
} finally {
  await run([...remoteCmd(), "prune"]).catch(() => {});
  await kube?.close();
  rmSync(dir, { recursive: true, force: true });
}
