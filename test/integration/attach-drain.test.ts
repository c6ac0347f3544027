/**
 * A person's terminal that falls behind a flood skips to the current screen, as with tmux
 * (domain/terminal-backlog.ts): the host stops writing it, and once the flood is over and the
 * terminal took what it was sent, redraws the screen from the model. The session's output is
 * whole for byte readers (`remote logs --follow`), and a terminal that keeps up gets every byte.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Terminal } from "@xterm/headless";
import { cli, ptyClient, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";
import { startServe } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

/** `mib` MiB of numbered 80-byte lines: the screen after them says which came last. */
function floodFile(path: string, mib: number): string {
  const lines: string[] = [];
  for (let i = 0; lines.length * 80 < mib * 2 ** 20; i++) lines.push(`line-${String(i).padStart(8, "0")} `.padEnd(79, "x"));
  const text = `${lines.join("\n")}\n`;
  writeFileSync(path, text);
  return text;
}

/** What a terminal shows after these bytes: its 24 rows, trailing blank rows dropped. */
function rendered(terminal: Terminal, bytes: Uint8Array): Promise<string[]> {
  return new Promise((resolve) =>
    terminal.write(bytes, () => {
      const rows: string[] = [];
      for (let i = 0; i < terminal.rows; i++) rows.push(terminal.buffer.active.getLine(terminal.buffer.active.viewportY + i)?.translateToString(true) ?? "");
      while (rows.length > 0 && rows.at(-1) === "") rows.pop();
      resolve(rows);
    }),
  );
}

/** Waits until the bytes the recorder saved show `screen` (the session's last lines) and returns the rows shown. */
async function screenShown(file: string, screen: string[]): Promise<string[]> {
  const xterm = new Terminal({ cols: 80, rows: 24, allowProposedApi: true });
  let read = 0;
  let rows: string[] = [];
  await eventually(
    async () => {
      const bytes = readFileSync(file);
      rows = await rendered(xterm, bytes.subarray(read));
      read = bytes.length;
      return rows.length > 0 && rows.join("\n") === screen.slice(-rows.length).join("\n") && rows.at(-1) === "DONE";
    },
    "the terminal to show the session's final screen",
    30_000,
    200,
  );
  return rows;
}

/** Everything a process prints on stdout, as it comes. */
function collect(stream: ReadableStream<Uint8Array>) {
  let text = "";
  const decoder = new TextDecoder();
  const reader = stream.getReader();
  const done = (async () => {
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value, { stream: true });
  })();
  return { text: () => text, done };
}

describe("a terminal that falls behind a flood", () => {
  test("skips it while it does not read, then shows exactly the session's final screen; `remote logs --follow`, stopped as long, still gets every byte", async () => {
    using home = tempHome();
    const flood = floodFile(join(home.dir, "flood.txt"), 6);
    // The session's PTY turns each \n into \r\n: what it produces is this.
    const produced = flood.replaceAll("\n", "\r\n");
    const program = `stty -echo; printf 'R%sADY\\n' E; read x; cat '${join(home.dir, "flood.txt")}'; printf 'D%sNE\\n' O; read y`;
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "flood", "--", "-c", program])).code).toBe(0);

    const shown = join(home.dir, "terminal.bytes");
    writeFileSync(shown, "");
    const terminal = Bun.spawn([process.execPath, join(repoRoot, "test/support/pty-recorder.ts"), shown, ...remoteCommand(), "attach", "flood"], { env: home.env, stdout: "ignore", stderr: "ignore" });
    const logs = Bun.spawn([...remoteCommand(), "logs", "flood", "--follow", "--raw"], { env: home.env, stdout: "pipe", stderr: "ignore" });
    const followed = collect(logs.stdout);
    try {
      await eventually(() => readFileSync(shown, "utf8").includes("READY"), "the session's screen on the terminal");
      await eventually(() => followed.text().includes("READY"), "`remote logs --follow` to start");
      // Neither reads now: the terminal's buffer fills, and so does the socket of `logs`.
      process.kill(terminal.pid, "SIGSTOP");
      process.kill(logs.pid, "SIGSTOP");
      expect((await cli(home.env, ["send", "flood", "go", "--enter"])).code).toBe(0);
      const screen = await eventually(
        async () => {
          const { stdout } = await cli(home.env, ["logs", "flood", "--lines", "24"]);
          return stdout.includes("DONE") && stdout.trimEnd().split("\n");
        },
        "the flood to end",
        60_000,
        200,
      );
      process.kill(terminal.pid, "SIGCONT");
      process.kill(logs.pid, "SIGCONT");

      // What the terminal shows once it read everything it was sent: the session's screen, exactly.
      const rows = await screenShown(shown, screen);
      expect(rows).toEqual(screen.slice(-rows.length));
      // It skipped: far fewer bytes reached the terminal than the session produced.
      expect(statSync(shown).size).toBeLessThan(produced.length / 2);

      expect((await cli(home.env, ["stop", "flood"])).code).toBe(0);
      await followed.done;
      // The session's output is whole: the follower that stopped reading got every byte, in order.
      expect(followed.text().includes(produced)).toBe(true);
    } finally {
      for (const p of [terminal, logs]) {
        p.kill("SIGCONT");
        p.kill("SIGKILL");
      }
      await cli(home.env, ["stop", "flood"]);
    }
  }, 120_000);

  test("over the control plane's WebSocket (`attach --remote`): skipped the same way, then the same exact screen", async () => {
    using server = tempHome("remote-drain-srv-");
    using me = tempHome("remote-drain-me-");
    // A window that holds the whole flood: a terminal skips because it fell behind, not because its bytes are gone.
    mkdirSync(server.env.REMOTE_HOME as string, { recursive: true });
    writeFileSync(join(server.env.REMOTE_HOME as string, "config.toml"), `retain_bytes = ${64 * 2 ** 20}\n`);
    const serve = await startServe(server);
    const env = { ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
    // More than the buffers between the host and the terminal hold (socket, relay, TCP) before it counts as behind.
    const flood = floodFile(join(server.dir, "flood.txt"), 24);
    const produced = flood.length + flood.split("\n").length - 1;
    const program = `stty -echo; printf 'R%sADY\\n' E; read x; cat '${join(server.dir, "flood.txt")}'; printf 'D%sNE\\n' O; read y`;
    const shown = join(me.dir, "terminal.bytes");
    writeFileSync(shown, "");
    let terminal: ReturnType<typeof Bun.spawn> | undefined;
    try {
      expect((await cli(env, ["run", "shell", "--detach", "--name", "wsflood", "--remote", serve.url, "--", "-c", program])).code).toBe(0);
      terminal = Bun.spawn([process.execPath, join(repoRoot, "test/support/pty-recorder.ts"), shown, ...remoteCommand(), "attach", "wsflood", "--remote", serve.url], { env, stdout: "ignore", stderr: "ignore" });
      await eventually(() => readFileSync(shown, "utf8").includes("READY"), "the session's screen on the terminal");
      process.kill(terminal.pid, "SIGSTOP");
      expect((await cli(env, ["send", "wsflood", "go", "--enter", "--remote", serve.url])).code).toBe(0);
      const screen = await eventually(
        async () => {
          const { stdout } = await cli(env, ["logs", "wsflood", "--lines", "24", "--remote", serve.url]);
          return stdout.includes("DONE") && stdout.trimEnd().split("\n");
        },
        "the flood to end",
        60_000,
        200,
      );
      process.kill(terminal.pid, "SIGCONT");
      const rows = await screenShown(shown, screen);
      expect(rows).toEqual(screen.slice(-rows.length));
      expect(statSync(shown).size).toBeLessThan(produced / 2);
    } finally {
      terminal?.kill("SIGCONT");
      terminal?.kill("SIGKILL");
      await cli(env, ["stop", "wsflood", "--remote", serve.url]);
      await serve.stop();
    }
  }, 120_000);

  test("a terminal that keeps up gets every byte of a 1 MiB cat", async () => {
    using home = tempHome();
    const file = floodFile(join(home.dir, "one.txt"), 1);
    const program = `stty -echo; printf 'R%sADY\\n' E; read x; cat '${join(home.dir, "one.txt")}'; printf 'D%sNE\\n' O; exec cat >/dev/null`;
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "cat", "--", "-c", program])).code).toBe(0);
    const client = ptyClient(home.env, [...remoteCommand(), "attach", "cat"]);
    try {
      await client.waitFor((screen) => screen.includes("READY"), "the session's screen");
      const before = client.raw().length;
      client.type("go\r");
      await client.waitFor((_screen, raw) => raw.indexOf("DONE", before) >= 0, "the end of the cat", 60_000);
      expect(client.raw().slice(before).includes(file.replaceAll("\n", "\r\n"))).toBe(true);
    } finally {
      client.type("\x10\x11");
      await client.proc.exited;
      await cli(home.env, ["stop", "cat"]);
    }
  }, 90_000);
});
