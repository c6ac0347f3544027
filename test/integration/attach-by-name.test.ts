/**
 * `remote attach <name>` in one round trip (AttachRequest): the host server resolves the name as
 * a reader would and hands the connection to the session it hosts; anything it does not take
 * goes the usual way, with the usual words. Real host server, sockets and PTYs in a temp home.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { hostServerSocketFor } from "../../src/domain/config.ts";
import { FrameType, type Frame } from "../../src/domain/host-protocol.ts";
import type { HostConnection, TerminalPort } from "../../src/domain/ports.ts";
import { attachByName } from "../../src/app/sessions/attach-by-name.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";

const hello = { v: 1, clientId: "test-by-name", mode: "attach", cols: 80, rows: 24 } as const;

/** Sends an attach by `ref` and the records request behind it, as the client does; collects what comes back. */
async function attachRequest(env: Record<string, string>, ref: string) {
  const deps = createRealDeps(env);
  const frames: Frame[] = [];
  const arrived: Array<() => void> = [];
  const conn = await deps.connector.connect(
    hostServerSocketFor(deps.config.paths),
    (frame) => {
      frames.push(frame);
      for (const wake of arrived.splice(0)) wake();
    },
    [
      { type: FrameType.request, request: { op: "attach", ref, hello } },
      { type: FrameType.request, request: { op: "records" } },
    ],
  );
  const until = async (test: (frame: Frame) => boolean) => {
    while (!frames.some(test)) await new Promise<void>((resolve) => arrived.push(resolve));
  };
  const text = () => frames.map((f) => ("data" in f ? new TextDecoder().decode(f.data) : "")).join("");
  return { conn, frames, until, text };
}

describe("attach by name through the host server", () => {
  test("the name's session takes the connection: its welcome, then its screen, and keys reach it; the records request behind is not answered", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "named", "--", "-c", "printf 'SC%sEN'; exec cat"])).code).toBe(0);
    const got = await attachRequest(home.env, "named");
    try {
      await got.until((f) => f.type === FrameType.snapshot && new TextDecoder().decode(f.data).includes("SCEN"));
      expect(got.frames[0]?.type).toBe(FrameType.welcome);
      expect(got.frames[0]?.type === FrameType.welcome && got.frames[0].welcome.name).toBe("named");
      got.conn.send({ type: FrameType.input, seq: 1, data: new TextEncoder().encode("ec-ho\r") });
      // cat echoes the line (the terminal) and prints it again.
      await got.until(() => got.text().split("ec-ho").length >= 3);
      // Anything answered to the records request would have come before the echo.
      expect(got.frames.filter((f) => f.type === FrameType.reply)).toEqual([]);
    } finally {
      got.conn.close();
      await cli(home.env, ["stop", "named"]);
    }
  });

  test("a ref it does not take (unknown, ended) gets no welcome: the records reply comes instead, and `remote attach` says why as before", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "alive", "--", "-c", "exec cat"])).code).toBe(0);
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "ended", "--", "-c", "exec cat"])).code).toBe(0);
    expect((await cli(home.env, ["stop", "ended"])).code).toBe(0);
    try {
      for (const ref of ["nosuch", "ended"]) {
        const got = await attachRequest(home.env, ref);
        await got.until((f) => f.type === FrameType.reply);
        expect(got.frames.map((f) => f.type)).toEqual([FrameType.reply]);
        got.conn.close();
      }
      const unknown = ptyClient(home.env, [...remoteCommand(), "attach", "nosuch"]);
      await unknown.waitFor((screen) => screen.includes("Cannot find session 'nosuch'"), "the usual not-found error");
      expect(await unknown.proc.exited).not.toBe(0);
      const ended = ptyClient(home.env, [...remoteCommand(), "attach", "ended"]);
      await ended.waitFor((screen) => screen.includes("Cannot reach session 'ended': it has ended"), "the usual ended error");
      expect(await ended.proc.exited).not.toBe(0);
    } finally {
      await cli(home.env, ["stop", "alive"]);
    }
  });

  test("`remote attach <name>` needs only the control socket: with the session's own socket file gone it still shows the screen and detaches", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["run", "shell", "--detach", "--name", "quick", "--", "-c", "printf 'QU%sCK'; exec cat"])).code).toBe(0);
    const deps = createRealDeps(home.env);
    const socketPath = deps.store().list().find((s) => s.name === "quick")?.socketPath;
    deps.store().close();
    expect(socketPath).toBeString();
    // The usual way connects to this file; the host still listens on the socket it names.
    rmSync(socketPath as string);
    try {
      const client = ptyClient(home.env, [...remoteCommand(), "attach", "quick"]);
      await client.waitFor((screen) => screen.includes("QUCK"), "the session's screen");
      client.type("typed\r");
      await client.waitFor((screen) => screen.split("typed").length >= 3, "cat's echo of the line");
      client.type("\x10\x11");
      expect(await client.proc.exited).toBe(0);
      await client.waitFor((screen) => screen.includes("[detached from quick"), "the detach message");
    } finally {
      await cli(home.env, ["stop", "quick"]);
    }
  });

  test("a server that only answers the records request (one before AttachRequest): not attached, the terminal as it was", async () => {
    using home = tempHome();
    const deps = createRealDeps(home.env);
    // The control socket must be there for the attach to be tried at all (the connector below stands for what answers it).
    const control = hostServerSocketFor(deps.config.paths);
    mkdirSync(dirname(control), { recursive: true, mode: 0o700 });
    writeFileSync(control, "");
    const modes: boolean[] = [];
    const terminal: TerminalPort = {
      isTTY: true,
      identity: () => ({ path: "/dev/pts/999", dev: 1, ino: 2, rdev: 3 }),
      size: () => ({ cols: 80, rows: 24 }),
      setRaw: (raw) => void modes.push(raw),
      write: () => {},
      onInput: () => () => {},
      onResize: () => () => {},
    };
    let greeted: readonly Frame[] = [];
    const oldServer = {
      ...deps.connector,
      connect: async (_address: unknown, onFrame: (frame: Frame) => void, greeting: readonly Frame[] = []): Promise<HostConnection> => {
        greeted = greeting;
        queueMicrotask(() => onFrame({ type: FrameType.reply, reply: { records: [] } }));
        return { send: () => {}, close: () => {}, closed: new Promise(() => {}) };
      },
    };
    const outcome = await attachByName({ ...deps, terminal, connector: oldServer }, "any", {});
    expect(outcome).toBeUndefined();
    expect(greeted.map((f) => f.type === FrameType.request && f.request.op)).toEqual(["attach", "records"]);
    // Raw for the hello, then back as it was.
    expect(modes).toEqual([true, false]);
  });
});
