/**
 * The notifiers on `session:state` (issue 13 item 4) with real parts: the webhook POSTs
 * to a real HTTP server on port 0, the desktop notifier runs a fake notify-send found on
 * PATH, and the terminal notifier's OSC 9/777 reach a client attached over the session
 * host's real Unix socket. The state events are emitted here on the bus, as the agent
 * state watcher emits them.
 */
import { expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHttpPost } from "../../src/adapters/http/http-post.ts";
import { createDesktopNotifier } from "../../src/adapters/notify/desktop-notifier.ts";
import { createBunPty } from "../../src/adapters/pty/bun-pty.ts";
import { createXtermScreen } from "../../src/adapters/screen/xterm-screen.ts";
import { createUnixConnector, createUnixSocketServer } from "../../src/adapters/socket/unix-socket.ts";
import { createMemorySessionStore } from "../../src/adapters/store/memory-store.ts";
import { systemClock } from "../../src/adapters/system/clock-random.ts";
import { startSessionHost } from "../../src/app/host/session-host.ts";
import { installNotifiers, type NotifierPorts } from "../../src/app/notify/notifiers.ts";
import { createEventBus } from "../../src/app/plugins.ts";
import type { AgentState, SessionStateEvent } from "../../src/domain/agent-state/agent-state.ts";
import type { NotifyConfig } from "../../src/domain/config.ts";
import { FrameType, type Frame } from "../../src/domain/host-protocol.ts";
import type { ClockPort } from "../../src/domain/ports.ts";
import type { SessionRecord } from "../../src/domain/session.ts";
import { eventually } from "../support/wait.ts";

const session = (id = "n1"): SessionRecord => ({
  id,
  name: `agent-${id}`,
  profile: "claude",
  command: "/bin/sh",
  args: ["-c", "read line"],
  cwd: tmpdir(),
  source: "run",
  state: "starting",
  clients: 0,
  createdAt: new Date().toISOString(),
  meta: {},
});
const stateEvent = (record: SessionRecord, state: AgentState, previous: AgentState = "working"): SessionStateEvent => {
  const at = "2026-12-01T08:00:00.000Z";
  return { session: record, previous: { state: previous, since: at, lastAt: at, source: "claude" }, current: { state, since: at, lastAt: at, source: "claude" } };
};
const config = (over: Partial<NotifyConfig>): NotifyConfig => ({ states: ["waiting", "needs-approval"], minIntervalMs: 60_000, desktop: false, terminal: false, ...over });

function setup(ports?: Partial<NotifierPorts>, clock: ClockPort = systemClock) {
  const logged: string[] = [];
  const log = { info: (m: string) => logged.push(m), warn: (m: string) => logged.push(m), error: (m: string) => logged.push(m) };
  const bus = createEventBus(log);
  const deps = (tellAttached: (id: string, data: Uint8Array) => number = () => 0) => ({
    clock,
    log,
    home: tmpdir(),
    tellAttached,
    ports: async () => ({ desktop: () => undefined, http: createHttpPost(), wait: async () => {}, ...ports }),
  });
  return { logged, bus, deps };
}

test("webhook: a receiver that fails twice then succeeds gets the ntfy message on the third try, after a doubling backoff", async () => {
  type Got = { method: string; path: string; body: string; title: string | null; tags: string | null; priority: string | null };
  const got: Got[] = [];
  let third!: () => void;
  const done = new Promise<void>((resolve) => (third = resolve));
  using server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const h = request.headers;
      got.push({ method: request.method, path: new URL(request.url).pathname, body: await request.text(), title: h.get("title"), tags: h.get("tags"), priority: h.get("priority") });
      if (got.length < 3) return new Response("busy", { status: got.length === 1 ? 503 : 429 });
      third();
      return new Response("{}", { status: 200 });
    },
  });
  const waits: number[] = [];
  const s = setup({ wait: async (ms) => void waits.push(ms) });
  const webhook = { url: `http://127.0.0.1:${server.port}/remote-topic`, retries: 3, backoffMs: 250, timeoutMs: 5000 };
  expect(await installNotifiers(s.bus, config({ webhook }), s.deps())).toEqual(["notify-webhook"]);
  await s.bus.emit("session:state", stateEvent(session(), "needs-approval"));
  await done;
  expect(got).toHaveLength(3);
  expect(got[2]).toEqual({ method: "POST", path: "/remote-topic", body: "claude session n1 needs your approval", title: "agent-n1 needs your approval", tags: "needs-approval,claude", priority: "4" });
  expect(got[0]).toEqual(got[2] as Got); // every try carries the same message
  expect(waits).toEqual([250, 500]);
  expect(s.logged).toEqual([]);
});

test("webhook: a receiver that keeps failing is given up after the retries, logged by name with the origin only (the topic is a secret)", async () => {
  let tries = 0;
  using server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (tries++, new Response("no", { status: 500 })) });
  const s = setup();
  await installNotifiers(s.bus, config({ webhook: { url: `http://127.0.0.1:${server.port}/secret-topic`, retries: 2, backoffMs: 1, timeoutMs: 5000 } }), s.deps());
  await s.bus.emit("session:state", stateEvent(session(), "waiting"));
  expect(tries).toBe(3);
  expect(s.logged).toEqual([`plugin 'notify-webhook' failed on session:state: POST http://127.0.0.1:${server.port} answered 500 after 3 tries`]);
  // A 4xx is the receiver saying no: not tried again.
  tries = 0;
  using refusing = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => (tries++, new Response("no", { status: 403 })) });
  const r = setup();
  await installNotifiers(r.bus, config({ webhook: { url: `http://127.0.0.1:${refusing.port}/t`, retries: 5, backoffMs: 1, timeoutMs: 5000 } }), r.deps());
  await r.bus.emit("session:state", stateEvent(session(), "waiting"));
  expect(tries).toBe(1);
  expect(r.logged[0]).toContain("answered 403 after 1 try");
});

test("rate limit: a flapping session notifies once per interval, then says how many changes were held back", async () => {
  let now = Date.parse("2026-12-01T08:00:00.000Z");
  const clock: ClockPort = { now: () => new Date(now) };
  const told: string[] = [];
  const s = setup(undefined, clock);
  await installNotifiers(s.bus, config({ terminal: true, minIntervalMs: 60_000 }), s.deps((id, data) => (told.push(`${id} ${new TextDecoder().decode(data)}`), 1)));
  const a = session("a");
  const flap = async () => {
    await s.bus.emit("session:state", stateEvent(a, "waiting"));
    now += 5_000;
    await s.bus.emit("session:state", stateEvent(a, "working", "waiting")); // not a notifying state
    now += 5_000;
  };
  for (let i = 0; i < 4; i++) await flap();
  await s.bus.emit("session:state", stateEvent(session("b"), "needs-approval")); // another session is not held back
  expect(told).toHaveLength(2);
  now += 60_000;
  await s.bus.emit("session:state", stateEvent(a, "waiting"));
  expect(told).toHaveLength(3);
  expect(told[0]).toStartWith("a \x1b]9;agent-a is waiting for you: claude session a is waiting for you\x07");
  expect(told[1]).toStartWith("b \x1b]9;agent-b needs your approval");
  expect(told[2]).toContain("is waiting for you (+3 earlier changes not sent)\x07");
});

test("terminal: OSC 9 and OSC 777 reach a client attached to the session's host, outside its output stream", async () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-notify-"));
  try {
    const store = createMemorySessionStore();
    const record = { ...session("t1"), cwd: dir };
    store.insert(record);
    const s = setup();
    let host: ReturnType<typeof startSessionHost> | undefined;
    await installNotifiers(s.bus, config({ terminal: true }), s.deps((id, data) => (id === "t1" && host ? host.notice(data) : 0)));
    host = startSessionHost(
      { store, pty: createBunPty(), screen: createXtermScreen(), server: createUnixSocketServer({ socketDirs: [dir] }), clock: systemClock, log: { info() {}, warn() {}, error() {} }, bus: s.bus },
      { sessionId: "t1", socketPath: join(dir, "t1.sock"), env: { PATH: process.env.PATH ?? "/usr/bin:/bin" }, retainBytes: 64 * 1024, killGroup: (pid, signal) => void process.kill(-pid, signal), saveScrollback: () => {} },
    );
    const frames: Frame[] = [];
    let arrived: (() => void) | undefined;
    const next = (type: number) =>
      new Promise<Frame>((resolve) => {
        const check = () => {
          const found = frames.find((f) => f.type === type);
          if (found) resolve(found);
          else arrived = check;
        };
        check();
      });
    const conn = await createUnixConnector({ socketDirs: [dir] }).connect(join(dir, "t1.sock"), (frame) => {
      frames.push(frame);
      arrived?.();
    });
    conn.send({ type: FrameType.hello, hello: { v: 1, clientId: "watcher", mode: "attach", cols: 80, rows: 24 } });
    const welcome = await next(FrameType.welcome);
    await s.bus.emit("session:state", stateEvent(record, "waiting"));
    const notice = await next(FrameType.notice);
    expect(notice.type === FrameType.notice && new TextDecoder().decode(notice.data)).toBe(
      "\x1b]9;agent-t1 is waiting for you: claude session t1 is waiting for you\x07\x1b]777;notify;agent-t1 is waiting for you;claude session t1 is waiting for you\x07",
    );
    // Not part of the session's output: its offset did not move, and the scrollback does not hold it.
    const offset = welcome.type === FrameType.welcome ? welcome.welcome.offset : -1;
    expect(frames.filter((f) => f.type === FrameType.output).every((f) => f.type === FrameType.output && !new TextDecoder().decode(f.data).includes("]9;"))).toBe(true);
    conn.send({ type: FrameType.request, request: { op: "info" } });
    const info = (await next(FrameType.reply)) as { reply: { offset: number } };
    expect(info.reply.offset).toBe(offset);
    conn.send({ type: FrameType.input, seq: 1, data: new TextEncoder().encode("bye\r") });
    await host.done;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("desktop: a notify-send found on PATH is run with the title and body as argv; none on PATH is a warning, not a failure", async () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-notify-send-"));
  try {
    const out = join(dir, "argv.txt");
    // A fake notify-send: writes each argument on its own line (a title with spaces stays one argument).
    writeFileSync(join(dir, "notify-send"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${out}.tmp" && mv "${out}.tmp" "${out}"\n`);
    chmodSync(join(dir, "notify-send"), 0o755);
    const env = { PATH: `${dir}:/usr/bin:/bin` };
    const s = setup({ desktop: () => createDesktopNotifier({ env, platform: "linux" }) });
    expect(await installNotifiers(s.bus, config({ desktop: true }), s.deps())).toEqual(["notify-desktop"]);
    // The handler resolves after notify-send exited.
    await s.bus.emit("session:state", stateEvent(session("d1"), "needs-approval"));
    expect(readFileSync(out, "utf8").split("\n")).toEqual(["--app-name=remote", "--urgency=critical", "agent-d1 needs your approval", "claude session d1 needs your approval", ""]);
    // Only what blocks the agent is urgent.
    await s.bus.emit("session:state", stateEvent(session("d3"), "waiting"));
    expect(readFileSync(out, "utf8").split("\n")).toEqual(["--app-name=remote", "agent-d3 is waiting for you", "claude session d3 is waiting for you", ""]);
    expect(s.logged).toEqual([]);

    expect(createDesktopNotifier({ env: { PATH: join(dir, "nothing-here") }, platform: "linux" })).toBeUndefined();
    const none = setup({ desktop: () => createDesktopNotifier({ env: { PATH: join(dir, "nothing-here") }, platform: "linux" }) });
    expect(await installNotifiers(none.bus, config({ desktop: true }), none.deps())).toEqual([]);
    expect(none.logged).toEqual(["notify_desktop is on but there is no notify-send (or osascript) on PATH: no desktop notifications"]);

    // A notifier that fails is logged by the plugin's name with what it said.
    writeFileSync(join(dir, "notify-send"), "#!/bin/sh\necho 'no D-Bus session' >&2\nexit 1\n");
    const failing = setup({ desktop: () => createDesktopNotifier({ env, platform: "linux" }) });
    await installNotifiers(failing.bus, config({ desktop: true }), failing.deps());
    await failing.bus.emit("session:state", stateEvent(session("d2"), "waiting"));
    expect(failing.logged).toEqual(["plugin 'notify-desktop' failed on session:state: notify-send exited 1: no D-Bus session"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
