/**
 * One session's crash stays in that session: two sessions hosted in one process (this
 * one, as in the host server), real PTYs and sockets; the screen model of one of them
 * throws on a marker in its output.
 */
import { expect, test } from "bun:test";
import { hostSession } from "../../src/app/host/boot.ts";
import { FrameType, type Frame } from "../../src/domain/host-protocol.ts";
import type { ScreenPort } from "../../src/domain/ports.ts";
import { socketPathFor } from "../../src/domain/config.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";

test("a session whose host code throws ends alone, recorded with the reason; the other keeps echoing", async () => {
  using home = tempHome();
  const deps = createRealDeps(home.env);
  const record = (id: string) => ({
    id,
    name: id,
    profile: "shell",
    command: "/bin/bash",
    args: ["-c", "echo ready-$((40+2)); exec cat"],
    cwd: home.dir,
    source: "run" as const,
    state: "starting" as const,
    socketPath: socketPathFor(deps.config.paths, id),
    clients: 0,
    createdAt: new Date().toISOString(),
    meta: {},
  });
  deps.store().insert(record("crashing"));
  deps.store().insert(record("healthy"));
  const real = await deps.hostPorts();
  const throwing: ScreenPort = {
    create: (cols, rows) => {
      const screen = real.screen.create(cols, rows);
      return {
        ...screen,
        write: (data) => {
          if (new TextDecoder().decode(data).includes("CRASH-NOW")) throw new Error("the screen model broke");
          screen.write(data);
        },
      };
    },
  };
  const request = (sessionId: string) => ({ op: "host" as const, sessionId, env: home.env, cols: 80, rows: 24 });
  // Hosted by this process, as the host server would; the records name a stand-in process as their host
  // (the temp home's cleanup kills every recorded host, which must not be this test runner).
  const standIn = Bun.spawn(["sleep", "600"]);
  const server = { ...deps, self: deps.process.identify(standIn.pid)! };
  const crashing = await hostSession(server, { ...deps, hostPorts: async () => ({ ...real, screen: throwing }) }, request("crashing"), undefined);
  const healthy = await hostSession(server, deps, request("healthy"), undefined);

  /** An attached client over the real socket: what it has been sent, and a way to wait for text in it. */
  const attach = async (id: string) => {
    let seen = "";
    const waiters: Array<() => void> = [];
    const conn = await deps.connector.connect(socketPathFor(deps.config.paths, id), (frame: Frame) => {
      if (frame.type === FrameType.output || frame.type === FrameType.snapshot) seen += new TextDecoder().decode(frame.data);
      for (const w of waiters.splice(0)) w();
    });
    conn.send({ type: FrameType.hello, hello: { v: 1, clientId: `t-${id}`, mode: "attach", cols: 80, rows: 24 } });
    let seq = 0;
    const waitFor = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => (seen.includes(text) ? resolve() : waiters.push(check));
        check();
      });
    return { waitFor, type: (text: string) => conn.send({ type: FrameType.input, seq: ++seq, data: new TextEncoder().encode(text) }), close: () => conn.close() };
  };
  const a = await attach("crashing");
  const b = await attach("healthy");
  await a.waitFor("ready-42");
  await b.waitFor("ready-42");

  a.type("CRASH-NOW\r");
  const exit = await crashing.done;
  expect(exit.signal).toBe("SIGKILL");
  const ended = deps.store().get("crashing");
  expect(ended).toMatchObject({ state: "failed", reason: "host error: the screen model broke", exitSignal: "SIGKILL" });

  b.type("still-here\r");
  await b.waitFor("still-here\r\nstill-here");
  expect(deps.store().get("healthy")?.state).toBe("running");

  a.close();
  b.close();
  healthy.stop("test over");
  await healthy.done;
  deps.store().close();
  standIn.kill();
}, 30_000);
