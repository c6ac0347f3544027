/**
 * `npm run image:local`: builds localhost/remote-session:local WITHOUT pulling anything
 * (no base image can be pulled here, SPEC §11): a minimal glibc rootfs made of this
 * machine's own files (our compiled dist/remote, bash, coreutils and the libraries ldd
 * names), tarred and `podman import`ed (or `docker import`). The image carries a stamp
 * (sha256 over every file put in): an image with the same stamp is reused, so tests and
 * benches pay for it once. Same layout as images/session/Containerfile: user 1000
 * "remote", HOME /home/remote, workspace /home/remote/work, our binary in /usr/local/bin.
 *
 * Env: REMOTE_IMAGE_ENGINE (podman|docker, default: podman if present), REMOTE_IMAGE_TAG,
 * REMOTE_IMAGE_BINARY (default dist/remote). Prints the image name on stdout.
 */
import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const TOOLS = ["bash", "sh", "cat", "ls", "env", "sleep", "id", "mkdir", "rm", "cp", "mv", "stty", "tty", "hostname", "uname", "head", "tail", "wc", "grep", "sed", "tr", "true", "false", "clear", "tput", "whoami", "pwd", "touch", "chmod", "printf", "echo", "date", "seq", "yes", "ps", "kill", "tar", "stat", "realpath"];
const TERMINFO = ["x/xterm", "x/xterm-256color", "d/dumb", "v/vt100", "s/screen", "s/screen-256color", "t/tmux", "t/tmux-256color"];
const STAMP_LABEL = "remote.image.stamp";

export async function buildLocalImage(options: { engine?: string; tag?: string; binary?: string; env?: Record<string, string | undefined> } = {}): Promise<string> {
  const env = options.env ?? process.env;
  const engine = options.engine ?? env.REMOTE_IMAGE_ENGINE ?? (Bun.which("podman") ? "podman" : "docker");
  const tag = options.tag ?? env.REMOTE_IMAGE_TAG ?? "localhost/remote-session:local";
  const binary = resolve(options.binary ?? env.REMOTE_IMAGE_BINARY ?? "dist/remote");
  if (!existsSync(binary)) throw new Error(`Cannot build image '${tag}': ${binary} does not exist (run \`npm run build\` first)`);

  // Every host file that goes in, by its path inside the image.
  const files = new Map<string, string>([["/usr/local/bin/remote", binary]]);
  const add = (path: string) => {
    const real = realpathSync(path);
    files.set(path.startsWith("/bin/") ? `/usr${path}` : path, real);
  };
  const executables = TOOLS.map((t) => Bun.which(t, { PATH: "/usr/bin:/bin" })).filter((p): p is string => p !== null);
  for (const exe of [...executables, binary]) {
    if (exe !== binary) add(exe);
    for (const lib of sharedLibraries(exe)) add(lib);
  }
  for (const entry of TERMINFO) {
    for (const base of ["/usr/share/terminfo", "/lib/terminfo"]) if (existsSync(`${base}/${entry}`)) add(`${base}/${entry}`);
  }
  const stamp = stampOf(files);
  const current = Bun.spawnSync([engine, "image", "inspect", "--format", `{{index .Labels "${STAMP_LABEL}"}}`, tag], { env, stderr: "pipe" });
  if (current.exitCode === 0 && current.stdout.toString().trim() === stamp) return tag;

  const root = mkdtempSync(join(tmpdir(), "remote-rootfs-"));
  try {
    for (const dir of ["usr/bin", "usr/sbin", "usr/lib", "usr/lib64", "usr/local/bin", "etc", "tmp", "proc", "sys", "dev", "run", "var/tmp"]) mkdirSync(join(root, dir), { recursive: true });
    for (const [link, to] of [["bin", "usr/bin"], ["lib", "usr/lib"], ["lib64", "usr/lib64"], ["sbin", "usr/sbin"]]) symlinkSync(to as string, join(root, link as string));
    for (const [inside, from] of files) {
      const at = join(root, inside.replace(/^\/(bin|lib|lib64|sbin)\//, "/usr/$1/"));
      mkdirSync(dirname(at), { recursive: true });
      copyFileSync(from, at);
    }
    chmodSync(join(root, "tmp"), 0o1777);
    chmodSync(join(root, "var/tmp"), 0o1777);
    writeFileSync(join(root, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nremote:x:1000:1000:remote:/home/remote:/bin/bash\n");
    writeFileSync(join(root, "etc/group"), "root:x:0:\nremote:x:1000:\n");
    writeFileSync(join(root, "etc/nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files\n");
    const tar = join(root, "..", `${root.split("/").pop()}.tar`);
    // Everything root's, then HOME and the workspace the session user's (no chown needed: tar sets owners).
    run(["tar", "--create", "--file", tar, "--numeric-owner", "--owner=0", "--group=0", "--directory", root, "."]);
    const home = mkdtempSync(join(tmpdir(), "remote-home-"));
    mkdirSync(join(home, "home/remote/work"), { recursive: true });
    chmodSync(join(home, "home/remote"), 0o755);
    run(["tar", "--append", "--file", tar, "--numeric-owner", "--owner=1000", "--group=1000", "--directory", home, "home"]);
    rmSync(home, { recursive: true, force: true });
    const changes = [`LABEL ${STAMP_LABEL}=${stamp}`, "USER 1000:1000", "WORKDIR /home/remote/work", "ENV HOME=/home/remote", "ENV PATH=/usr/local/bin:/usr/bin:/bin", `CMD ["/usr/local/bin/remote", "__pod"]`];
    run([engine, "import", ...changes.flatMap((c) => ["--change", c]), tar, tag], env);
    rmSync(tar, { force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return tag;
}

/** The libraries `ldd` says an executable loads (absolute paths, the loader included). */
function sharedLibraries(exe: string): string[] {
  const out = Bun.spawnSync(["ldd", exe], { stderr: "pipe" }).stdout.toString();
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1] as string);
}

function stampOf(files: Map<string, string>): string {
  const hash = createHash("sha256");
  for (const [inside, from] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash.update(`${inside}\0`);
    hash.update(readFileSync(from));
  }
  return hash.digest("hex").slice(0, 32);
}

function run(argv: string[], env?: Record<string, string | undefined>): void {
  const done = Bun.spawnSync(argv, { ...(env ? { env } : {}), stdout: "pipe", stderr: "pipe" });
  if (done.exitCode !== 0) throw new Error(`${argv.slice(0, 2).join(" ")} failed (${done.exitCode}): ${done.stderr.toString().trim()}`);
}

if (import.meta.main) {
  console.log(await buildLocalImage());
}
