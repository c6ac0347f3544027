/**
 * The real container engine for docker-target tests: podman from Debian (installed by
 * .ci/run), driven with a private CONTAINERS_CONF (SPEC §11: nofile/nproc ulimits and
 * runc; no system file touched), the session image built once per run without pulling
 * (scripts/image/local.ts: reused while its stamp matches), networks host/none only.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildLocalImage } from "../../scripts/image/local.ts";
import { repoRoot } from "./cli.ts";

export const TEST_IMAGE = "localhost/remote-session:local";

const podman = Bun.which("podman");

/** Why container tests cannot run here, or undefined when they can. */
export const engineMissingReason = podman === null ? "podman is not installed (.ci/run installs it with `apt-get install -y podman runc`; that failed or was skipped)" : undefined;

let prepared: Promise<{ containersConf: string }> | undefined;

/** Once per test process: the private CONTAINERS_CONF, dist/remote built from this source, and the image. */
export function prepareEngine(): Promise<{ containersConf: string }> {
  prepared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), "remote-containers-"));
    const containersConf = join(dir, "containers.conf");
    writeFileSync(containersConf, '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n\n[engine]\nruntime = "runc"\n');
    // The image must carry the binary of the code under test.
    const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`npm run build failed: ${build.stderr.toString()}`);
    await buildLocalImage({ engine: "podman", tag: TEST_IMAGE, binary: join(repoRoot, "dist/remote"), env: { ...process.env, CONTAINERS_CONF: containersConf } });
    return { containersConf };
  })();
  return prepared;
}

/** A test home's env for container sessions: the engine's private config and `container_network = "none"`. */
export function withEngine(env: Record<string, string>, containersConf: string): Record<string, string> {
  const home = env.REMOTE_HOME as string;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (!existsSync(join(home, "config.toml"))) writeFileSync(join(home, "config.toml"), 'container_network = "none"\ncontainer_engine = "podman"\n');
  return { ...env, CONTAINERS_CONF: containersConf };
}

/** The engine's own view, for assertions (argv arrays). */
export async function podmanOut(containersConf: string, args: string[]): Promise<{ code: number; stdout: string }> {
  const proc = Bun.spawn(["podman", ...args], { env: { ...process.env, CONTAINERS_CONF: containersConf }, stdout: "pipe", stderr: "pipe" });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, stdout: stdout.trim() };
}

/** Removes every container and volume a test's sessions made (by the session-id label), so none outlives the test. */
export async function removeContainersOf(containersConf: string, sessionIds: readonly string[]): Promise<void> {
  for (const id of sessionIds) {
    const ids = await podmanOut(containersConf, ["ps", "--all", "--quiet", "--filter", `label=remote.dev/session-id=${id}`]);
    for (const c of ids.stdout.split(/\s+/).filter(Boolean)) await podmanOut(containersConf, ["rm", "--force", c]);
    await podmanOut(containersConf, ["volume", "rm", "--force", `remote-${id}-data`, `remote-${id}-work`]);
  }
}

