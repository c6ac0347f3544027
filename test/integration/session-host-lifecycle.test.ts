/**
 * The session host's side of the lifecycle, in process with real parts (PTY, headless
 * terminal, Unix socket) and a store that can be made to fail: a late host finds its
 * record final and starts nothing; an exit that can never be written still ends the host.
 */
import { eventually } from "../support/wait.ts";
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createProcessAdapter } from "../../src/adapters/process/process-adapter.ts";
import { createBunPty } from "../../src/adapters/pty/bun-pty.ts";
import { createXtermScreen } from "../../src/adapters/screen/xterm-screen.ts";
import { createUnixConnector, createUnixSocketServer } from "../../src/adapters/socket/unix-socket.ts";
import { createMemorySessionStore } from "../../src/adapters/store/memory-store.ts";
import { systemClock } from "../../src/adapters/system/clock-random.ts";
import { startSessionHost, type SessionHostDeps } from "../../src/app/host/session-host.ts";
import { createEventBus } from "../../src/app/plugins.ts";
import { RemoteError } from "../../src/domain/errors.ts";
import { FrameType } from "../../src/domain/host-protocol.ts";
import type { PtyPort, SessionStorePort } from "../../src/domain/ports.ts";
import type { SessionRecord } from "../../src/domain/session.ts";

const record = (dir: string, over: Partial<SessionRecord> = {}): SessionRecord => ({
  id: "h1",
  name: "hosted",
  profile: "shell",
  command: "/bin/sh",
  args: ["-c", "read line; exit 5"],
  cwd: dir,
  source: "run",
  state: "starting",
  clients: 0,
  createdAt: new Date().toISOString(),
  meta: {},
  ...over,
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "remote-host-"));
  const logged: string[] = [];
  const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
  const spawned: string[] = [];
  const realPty = createBunPty();
  const pty: PtyPort = { spawn: (spec) => (spawned.push(spec.command), realPty.spawn(spec)) };
  const deps = (store: SessionStorePort): SessionHostDeps => ({ store, pty, screen: createXtermScreen(), server: createUnixSocketServer({ socketDirs: [dir] }), clock: systemClock, log, bus: createEventBus(log) });
  const options = { sessionId: "h1", socketPath: join(dir, "h1.sock"), env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, retainBytes: 64 * 1024, killGroup: () => {}, saveScrollback: () => {} };
  return { dir, logged, spawned, deps, options, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

test("a late host finds its record failed: it throws ILLEGAL_TRANSITION and spawns no agent", () => {
  using s = setup();
  const store = createMemorySessionStore();
  store.insert(record(s.dir, { state: "failed", reason: "host not ready within 10000 ms" }));
  expect(() => startSessionHost(s.deps(store), s.options)).toThrow(/already ended \(failed: host not ready within 10000 ms\)/);
  expect(s.spawned).toEqual([]);
  expect(existsSync(s.options.socketPath)).toBe(false);
  expect(store.get("h1")).toMatchObject({ state: "failed", reason: "host not ready within 10000 ms" });
});

test("an exit that can never be recorded (store busy throughout): the host still tells its clients, closes its socket and ends", async () => {
  using s = setup();
  const inner = createMemorySessionStore();
  inner.insert(record(s.dir));
  let tries = 0;
  const busyAtExit: SessionStorePort = {
    ...inner,
    update: (id, patch) => {
      if (patch.state === "exited") {
        tries++;
        throw new RemoteError("STORE_BUSY", "Cannot write to the session store: another process holds its lock", undefined, "unavailable");
      }
      return inner.update(id, patch);
    },
  };
  const host = startSessionHost(s.deps(busyAtExit), { ...s.options, exitRecordBudgetMs: 700 });
  // A client attached before the end is told how it ended, though the store never heard.
  let told: unknown;
  const conn = await createUnixConnector({ socketDirs: [s.dir] }).connect(s.options.socketPath, (frame) => {
    if (frame.type === FrameType.exit) told = frame.exit;
  });
  conn.send({ type: FrameType.hello, hello: { v: 1, clientId: "watcher", mode: "control" } });
  conn.send({ type: FrameType.request, request: { op: "send", data: "bye\r" } });
  const exit = await host.done;
  await conn.closed;
  expect(exit).toEqual({ exitCode: 5, signal: null });
  expect(tries).toBeGreaterThan(1);
  expect(s.logged.some((m) => m.includes("could not record the end of session h1 (gave up after"))).toBe(true);
  // The record still says running: with the host process gone, readers see it lost (domain viewState).
  expect(inner.get("h1")?.state).toBe("running");
  expect(existsSync(s.options.socketPath)).toBe(false);
  expect(told).toEqual({ exitCode: 5, signal: null });
});

test("a host that cannot listen kills the agent it started and records why", async () => {
  using s = setup();
  const store = createMemorySessionStore();
  store.insert(record(s.dir, { args: ["-c", "sleep 60"] }));
  const refusing = { listen: () => { throw new Error("EADDRINUSE"); } } as unknown as SessionHostDeps["server"];
  const killGroup = (pid: number, signal: NodeJS.Signals) => void process.kill(-pid, signal);
  expect(() => startSessionHost({ ...s.deps(store), server: refusing }, { ...s.options, killGroup })).toThrow("EADDRINUSE");
  const failed = store.get("h1");
  expect(failed).toMatchObject({ state: "failed", reason: `could not listen on ${s.options.socketPath}: EADDRINUSE` });
  const proc = createProcessAdapter();
  const agent = proc.identify(failed!.pid!);
  const alive = () => agent !== undefined && proc.isAlive(agent);
  await eventually(() => !alive(), "the agent to be killed", 10_000, 20);
  expect(alive()).toBe(false);
});
