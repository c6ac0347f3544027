/**
 * What the CLI does when it is not on a terminal: no colour codes anywhere (and none
 * with NO_COLOR on one), no attach that hangs, and `attach --pipe` for scripts.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, watch, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { cli, ptyClient, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";

const ESC = "\x1b";
const state = async (env: Record<string, string>, name: string) => {
  const listed = JSON.parse((await cli(env, ["ls", "--json"])).stdout) as { name: string; state: string }[];
  return listed.find((s) => s.name === name)?.state;
};

/** Resolves once `path` exists (fs.watch on its directory; the test's timeout guards it). */
async function fileAppears(path: string): Promise<void> {
  const watcher = watch(dirname(path));
  try {
    const appeared = new Promise<void>((resolve) => watcher.on("change", (_, name) => name === basename(path) && resolve()));
    if (!existsSync(path)) await appeared;
  } finally {
    watcher.close();
  }
}

/** Reads a stream until the text so far satisfies `done`; the test's timeout guards a stream that never does. */
async function readUntil(stream: ReadableStream<Uint8Array>, done: (text: string) => boolean): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!done(text)) {
    const { value, done: ended } = await reader.read();
    if (ended) break;
    text += decoder.decode(value, { stream: true });
  }
  reader.releaseLock();
  return text;
}

describe("colour only on a terminal, never with NO_COLOR", () => {
  test("--help and errors piped carry no escape codes", async () => {
    using home = tempHome();
    const help = await cli(home.env, ["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("USAGE remote");
    expect(help.stdout).not.toContain(ESC);
    const sub = await cli(home.env, ["jobs", "wait", "--help"]);
    expect(sub.stdout).toContain("USAGE remote jobs wait");
    expect(sub.stdout).not.toContain(ESC);
    const bad = await cli(home.env, ["ls", "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toContain(ESC);
  }, 30_000);

  test("on a terminal --help is coloured, unless NO_COLOR is set", async () => {
    using home = tempHome();
    const coloured = ptyClient(home.env, [...remoteCommand(), "--help"]);
    await coloured.waitFor((_, raw) => raw.includes("more information"), "the help's last line");
    expect(coloured.raw()).toContain(`${ESC}[`);
    const plain = ptyClient({ ...home.env, NO_COLOR: "1" }, [...remoteCommand(), "--help"]);
    await plain.waitFor((_, raw) => raw.includes("more information"), "the help's last line");
    expect(plain.raw()).not.toContain(ESC);
  }, 30_000);

  test("diagnostics (consola) into a file carry no codes even when stdout is a terminal", async () => {
    using home = tempHome();
    const script = join(home.dir, "warn.ts");
    writeFileSync(script, `import { createRealDeps } from ${JSON.stringify(join(repoRoot, "src/wiring.ts"))};\ncreateRealDeps(process.env).log.warn("careful now");\nconsole.log("done");\n`);
    const logFile = join(home.dir, "stderr.log");
    const redirected = ptyClient(home.env, ["bash", "-c", `"$0" "$1" 2>"$2"`, process.execPath, script, logFile]);
    await redirected.waitFor((_, raw) => raw.includes("done"), "the script's end");
    expect(await redirected.proc.exited).toBe(0);
    expect(readFileSync(logFile, "utf8")).toContain("careful now");
    expect(readFileSync(logFile, "utf8")).not.toContain(ESC);
    // The same warning on the terminal itself is dressed up: the check above can fail.
    const onTerminal = ptyClient(home.env, [process.execPath, script]);
    await onTerminal.waitFor((_, raw) => raw.includes("done"), "the script's end");
    expect(onTerminal.raw()).toContain(`${ESC}[`);
  }, 30_000);
});

describe("attach without a terminal", () => {
  test("is refused at once with the way to script it, and run without --detach starts nothing", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "quiet"])).code).toBe(0);
    const attach = await cli(home.env, ["attach", "quiet"]);
    expect(attach.code).toBe(2);
    expect(attach.stderr).toContain("Cannot attach session 'quiet': stdin or stdout is not a terminal");
    expect(attach.stderr).toContain("remote attach quiet --pipe");
    const run = await cli(home.env, ["run", "shell", "--name", "never"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Add --detach");
    expect(await state(home.env, "never")).toBeUndefined();
    expect(await state(home.env, "quiet")).toBe("running");
  }, 30_000);

  test("--pipe: stdin goes in, live output comes out, the end of stdin detaches and the session runs on", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "piped"])).code).toBe(0);
    const proc = Bun.spawn([...remoteCommand(), "attach", "piped", "--pipe"], { env: home.env, cwd: home.dir, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    // Ctrl+P Ctrl+Q is the detach chord of a terminal attach; a pipe forwards it like any bytes.
    proc.stdin.write("\x10\x11echo pi-$((3*5))\r");
    await proc.stdin.flush();
    const seen = await readUntil(proc.stdout, (t) => t.includes("pi-15"));
    expect(seen).toContain("pi-15");
    // Input after the first answer still goes in, and is taken before we detach.
    const marker = join(home.dir, "after-first");
    proc.stdin.write(`touch ${marker}\r`);
    await proc.stdin.end();
    expect(await proc.exited).toBe(0);
    expect(await state(home.env, "piped")).toBe("running");
    await fileAppears(marker);
  }, 30_000);

  test("--pipe ends with the session's exit code when the session ends first, stdin still open", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "ends"])).code).toBe(0);
    const proc = Bun.spawn([...remoteCommand(), "attach", "ends", "--pipe"], { env: home.env, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    proc.stdin.write("exit 7\r");
    await proc.stdin.flush();
    expect(await proc.exited).toBe(7);
    expect(await state(home.env, "ends")).toBe("exited");
  }, 30_000);
});
