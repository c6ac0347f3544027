/**
 * A private podman for tests: its own storage and run root in a temp dir and its own
 * CONTAINERS_CONF with the two fixes this kind of VM needs (SPEC §11: ulimits, runc), so no
 * system file, no shared image store and no other test's containers are touched. The test
 * image is imported, never pulled: a rootfs of a few host programs (sh, cat, head, sleep,
 * env, sha256sum, id, ls) with the libraries they load.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Podman = {
  /** The full argv of a podman command against the private store. */
  readonly argv: (args: readonly string[]) => string[];
  readonly env: Record<string, string>;
  readonly run: (args: readonly string[], stdin?: Uint8Array) => Promise<{ code: number; stdout: string; stderr: string }>;
  readonly close: () => Promise<void>;
};

export const hasPodman = (): boolean => Bun.which("podman") !== null && Bun.which("runc") !== null;

export function privatePodman(): Podman {
  const dir = mkdtempSync(join(tmpdir(), "fake-kube-podman-"));
  const conf = join(dir, "containers.conf");
  writeFileSync(conf, '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]\n[engine]\nruntime = "runc"\n');
  const env = { ...(process.env as Record<string, string>), CONTAINERS_CONF: conf };
  const argv = (args: readonly string[]) => ["podman", "--root", join(dir, "storage"), "--runroot", join(dir, "run"), "--tmpdir", join(dir, "tmp"), ...args];
  const run = async (args: readonly string[], stdin?: Uint8Array) => {
    const proc = Bun.spawn(argv(args), { env, stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  };
  return {
    argv,
    env,
    run,
    close: async () => {
      await run(["rm", "-a", "-f", "-t", "0"]);
      await run(["system", "reset", "-f"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The machine's own podman store with a private CONTAINERS_CONF (the one docker-target tests
 * use): Pods then run the session image `npm run image:local` built there, with no export or
 * import. `close` removes only the containers this runtime started (podmanRuntime does), never
 * the store.
 */
export function sharedPodman(containersConf: string): Podman {
  const env = { ...(process.env as Record<string, string>), CONTAINERS_CONF: containersConf };
  const argv = (args: readonly string[]) => ["podman", ...args];
  return {
    argv,
    env,
    run: async (args, stdin) => {
      const proc = Bun.spawn(argv(args), { env, stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, stdout, stderr };
    },
    close: async () => {},
  };
}

const imagePrograms = ["sh", "cat", "head", "sleep", "env", "sha256sum", "id", "ls"];

/** Imports `name` (a tiny glibc image of host programs) into the private store. */
export async function importTestImage(podman: Podman, name = "localhost/fake-kube-test:latest"): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), "fake-kube-rootfs-"));
  try {
    const files = new Set<string>();
    for (const program of imagePrograms) {
      const path = Bun.which(program);
      if (!path) continue;
      files.add(path);
      const ldd = Bun.spawnSync(["ldd", path]).stdout.toString();
      for (const m of ldd.matchAll(/(\/\S+\.so[.\d]*)/g)) files.add(m[1] as string);
    }
    for (const file of files) {
      mkdirSync(join(root, file, ".."), { recursive: true });
      // cp -L: follow links so the image holds real files at the paths programs ask for.
      Bun.spawnSync(["cp", "-L", file, join(root, file)]);
    }
    mkdirSync(join(root, "tmp"), { mode: 0o1777 });
    const tar = Bun.spawnSync(["tar", "-C", root, "-cf", "-", "."]);
    const imported = await podman.run(["import", "-", name], tar.stdout);
    if (imported.code !== 0) throw new Error(`podman import failed: ${imported.stderr}`);
    return name;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
