/**
 * The reconnecting attach against an in-memory WebSocket: what goes out after a drop
 * (same clientId, fromOffset, only unapplied inputs), and what the person is told.
 * (The same client against a real server and a cutting proxy: test/integration/remote-fault.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import { bytes, fakeNetwork, hello, inputs, manualScheduler, text, welcome } from "../../../test/support/fake-attach-socket.ts";
import { RemoteError } from "../../domain/errors.ts";
import { FrameType } from "../../domain/host-protocol.ts";
import type { RemoteClient, RemoteSession } from "./client.ts";
import { openRemoteAttach, type RemoteAttachOptions } from "./ws-attach.ts";

const session = { id: "s1", name: "one", profile: "shell", source: "run", state: "running", cwd: "/", createdAt: "", clients: 1 } as RemoteSession;
const fakeClient = (get: () => Promise<RemoteSession> = async () => session) => ({ url: "http://h:1", attachUrl: (ref: string) => `ws://h:1/sessions/${ref}/attach`, get }) as unknown as RemoteClient;

/** An attach over fake sockets with a fast backoff and no heartbeat; `overrides` set what a test is about. */
const start = (net: ReturnType<typeof fakeNetwork>, overrides: Partial<RemoteAttachOptions> = {}) =>
  openRemoteAttach({
    client: fakeClient(),
    token: "t",
    ref: "s1",
    clientId: "c",
    size: { cols: 80, rows: 24 },
    random: () => 0,
    backoff: { baseMs: 1, capMs: 2 },
    heartbeatMs: 0,
    openSocket: net.openSocket,
    onOutput: () => {},
    ...overrides,
  });

describe("openRemoteAttach", () => {
  test("after a drop: same clientId, resume from the last byte, resend only what the host did not apply", async () => {
    const net = fakeNetwork();
    const out: string[] = [];
    const statuses: string[] = [];
    const attach = start(net, {
      token: "tok",
      ref: "one",
      clientId: "c-1",
      size: { cols: 100, rows: 30 },
      onOutput: (data, kind) => out.push(`${kind}:${text(data)}`),
      onStatus: (s) => statuses.push(s),
    });
    const first = await net.socket(0);
    expect(first.headers).toEqual({ authorization: "Bearer tok" });
    expect(first.url).not.toContain("tok");
    first.open();
    expect(hello(first)).toMatchObject({ clientId: "c-1", cols: 100, rows: 30 });
    expect(hello(first).fromOffset).toBeUndefined(); // the first attach starts from a screen snapshot
    first.receive(welcome(0));
    first.receive({ type: FrameType.snapshot, offset: 10, data: bytes("SCREEN") });
    first.receive({ type: FrameType.output, offset: 10, data: bytes("abc") });
    attach.sendInput(bytes("k1"));
    attach.sendInput(bytes("k2"));
    expect(inputs(first)).toEqual([
      [1, "k1"],
      [2, "k2"],
    ]);

    first.drop();
    attach.sendInput(bytes("k3")); // typed while away
    attach.resize(90, 20);
    const second = await net.socket(1);
    second.open();
    // The window size travels in the hello; nothing else goes out before the welcome.
    expect(second.sent.map((f) => f.type)).toEqual([FrameType.hello]);
    expect(hello(second)).toMatchObject({ clientId: "c-1", fromOffset: 13, cols: 90, rows: 20 });
    second.receive(welcome(1)); // the host had applied k1 only
    expect(inputs(second)).toEqual([
      [2, "k2"],
      [3, "k3"],
    ]);
    second.receive({ type: FrameType.output, offset: 12, data: bytes("cdef") }); // overlaps one byte
    expect(out).toEqual(["snapshot:SCREEN", "output:abc", "output:def"]);
    expect(attach.offset()).toBe(16);
    expect(statuses).toEqual(["reconnecting", "reconnected"]);

    second.receive({ type: FrameType.exit, exit: { exitCode: 0, signal: null } });
    expect(await attach.done).toEqual({ kind: "exited", exitCode: 0, signal: null });
  });

  test("failed reconnect tries say 'reconnecting' once, then go on while the server is away", async () => {
    const net = fakeNetwork();
    const statuses: string[] = [];
    let reachable = true;
    const attach = start(net, {
      client: fakeClient(async () => {
        if (!reachable) throw new RemoteError("REMOTE_UNREACHABLE", "down", undefined, "unavailable");
        return session;
      }),
      token: undefined,
      clientId: "c-2",
      random: () => 1,
      backoff: { baseMs: 1, capMs: 4 },
      onStatus: (s) => statuses.push(s),
    });
    const first = await net.socket(0);
    expect(first.headers).toEqual({});
    first.open();
    first.receive(welcome(0));
    reachable = false;
    first.drop();
    for (let n = 1; n <= 3; n++) (await net.socket(n)).drop(); // the server is gone: connects fail
    reachable = true;
    const back = await net.socket(4);
    back.open();
    back.receive(welcome(0));
    expect(statuses).toEqual(["reconnecting", "reconnected"]);
    expect(attach.reconnects()).toBe(1);
    attach.detach();
    expect(await attach.done).toEqual({ kind: "detached" });
  });

  test("a session that ended while we were away ends the attach with its exit code", async () => {
    const net = fakeNetwork();
    let state = "running";
    const attach = start(net, {
      client: fakeClient(async () => ({ ...session, state, exitCode: 5 })),
      clientId: "c-3",
      random: () => 0.5,
    });
    const first = await net.socket(0);
    first.open();
    first.receive(welcome(0));
    first.drop();
    state = "exited";
    (await net.socket(1)).drop();
    expect(await attach.done).toEqual({ kind: "exited", exitCode: 5, signal: null });
  });

  test("a refusal on the first connect fails with the server's error instead of retrying", async () => {
    const net = fakeNetwork();
    const attach = start(net, {
      client: fakeClient(async () => {
        throw new RemoteError("UNAUTHORIZED", "bad token", undefined, "unauthorized");
      }),
      token: "wrong",
      clientId: "c-4",
    });
    (await net.socket(0)).drop();
    await expect(attach.done).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(net.sockets.length).toBe(1);
  });

  test("a connect that never completes is abandoned and tried again", async () => {
    const net = fakeNetwork();
    const attach = start(net, {
      clientId: "c-6",
      connectTimeoutMs: 20,
    });
    await net.socket(0); // a black hole: never opens, never closes
    const second = await net.socket(1);
    second.open();
    second.receive(welcome(0));
    expect(hello(second).clientId).toBe("c-6");
    attach.detach();
    expect(await attach.done).toEqual({ kind: "detached" });
  });

  test("read-only sends no keys and no resizes", async () => {
    const net = fakeNetwork();
    const attach = start(net, {
      clientId: "c-5",
      readOnly: true,
    });
    const ws = await net.socket(0);
    ws.open();
    ws.receive(welcome(0));
    attach.sendInput(bytes("x"));
    attach.resize(10, 10);
    expect(ws.sent.map((f) => f.type)).toEqual([FrameType.hello]);
    expect(hello(ws).readOnly).toBe(true);
    attach.detach();
  });

  test("heartbeat: a ping each period; a link silent for a whole period after one is dropped without a handshake and reconnected", async () => {
    const net = fakeNetwork({ withTerminate: true });
    const clock = manualScheduler();
    const statuses: string[] = [];
    const attach = start(net, {
      clientId: "c-7",
      heartbeatMs: 1000,
      scheduler: clock.scheduler,
      onStatus: (s) => statuses.push(s),
    });
    const pings = (ws: { sent: { type: number }[] }) => ws.sent.filter((f) => f.type === FrameType.request).length;
    const first = await net.socket(0);
    clock.runNext(); // a tick before the welcome: nothing to ping yet
    expect(pings(first)).toBe(0);
    first.open();
    first.receive(welcome(0));
    expect(clock.waits()).toEqual([1000]); // the connect timeout is gone with the welcome
    clock.runNext();
    expect(pings(first)).toBe(1);
    first.receive({ type: FrameType.reply, reply: { ok: true } });
    clock.runNext(); // heard since the ping: alive
    expect(pings(first)).toBe(2);
    expect(first.terminated).toBe(false);
    clock.runNext(); // nothing since the second ping: dead
    expect(first.terminated).toBe(true);
    expect(statuses).toEqual(["reconnecting"]);
    expect(clock.waits()).toEqual([1, 1000]); // the reconnect (backoff) and the next tick
    clock.runNext();
    const second = await net.socket(1);
    second.open();
    second.receive(welcome(0));
    expect(statuses).toEqual(["reconnecting", "reconnected"]);
    attach.detach();
    expect(clock.waits()).toEqual([]); // detaching stops the heartbeat too
    expect(await attach.done).toEqual({ kind: "detached" });
  });
});
