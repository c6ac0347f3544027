/**
 * The reconnecting link both the CLI and the browser view run, against in-memory sockets
 * and a clock that moves only when told: what goes out on each connection, which events
 * come out, and when it gives up. (The CLI's wrapper: ws-attach.test.ts; the real thing
 * under cuts: test/integration/remote-fault.test.ts; in a browser: test/e2e/browser.test.ts.)
 */
import { describe, expect, test } from "bun:test";
import { bytes, fakeNetwork, hello, inputs, manualScheduler, settle, text, welcome } from "../../../test/support/fake-attach-socket.ts";
import { FrameType } from "../../domain/host-protocol.ts";
import { MAX_FIRST_ATTACH_TRIES, type SessionProbe } from "../../domain/reconnect.ts";
import { openAttachLink, type AttachLinkEvent, type AttachLinkOptions } from "./attach-link.ts";

function setup({ withTerminate = false, ...overrides }: Partial<AttachLinkOptions> & { withTerminate?: boolean } = {}) {
  const net = fakeNetwork({ withTerminate });
  const clock = manualScheduler();
  const events: AttachLinkEvent[] = [];
  const data: string[] = [];
  const link = openAttachLink({
    open: () => net.openSocket(),
    clientId: "tab-1",
    size: { cols: 80, rows: 24 },
    probe: async () => ({ kind: "running" }),
    scheduler: clock.scheduler,
    random: () => 0,
    onData: (chunk, kind) => data.push(`${kind}:${text(chunk)}`),
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  const kinds = () => events.map((e) => (e.kind === "reconnecting" ? `reconnecting ${e.inMs}` : e.kind === "attached" ? `attached${e.reconnected ? " again" : ""}` : e.kind));
  /** The n-th socket, opened and welcomed (the host had applied nothing). */
  const welcomed = async (n: number) => {
    const ws = await net.socket(n);
    ws.open();
    ws.receive(welcome(0));
    return ws;
  };
  return { net, clock, events, kinds, data, link, welcomed };
}

describe("openAttachLink", () => {
  test("a new attach numbers queued keys after the host's lastSeq; a reconnect resends only what the host did not apply", async () => {
    const { net, clock, kinds, link } = setup();
    const first = await net.socket(0);
    link.sendInput(bytes("k1")); // typed before the welcome: kept
    first.open();
    link.sendInput(bytes("k2"));
    expect(first.sent.map((f) => f.type)).toEqual([FrameType.hello]);
    // The tab's clientId already had 7 inputs applied (a reload): ours come after them.
    first.receive(welcome(7));
    link.sendInput(bytes("k3"));
    expect(inputs(first)).toEqual([
      [8, "k1"],
      [9, "k2"],
      [10, "k3"],
    ]);

    first.drop();
    link.sendInput(bytes("k4")); // typed while away
    expect(kinds()).toEqual(["attached", "dropped", "reconnecting 50"]);
    clock.runNext();
    const second = await net.socket(1);
    second.open();
    expect(hello(second)).toMatchObject({ clientId: "tab-1" });
    second.receive(welcome(9)); // k3 was lost with the old connection
    expect(inputs(second)).toEqual([
      [10, "k3"],
      [11, "k4"],
    ]);
    expect(kinds()).toEqual(["attached", "dropped", "reconnecting 50", "attached again"]);
  });

  test("output is resumed from the offset after the last byte, repeats cut off", async () => {
    const { net, clock, data, link } = setup({ fromOffset: 4 });
    const first = await net.socket(0);
    first.open();
    expect(hello(first).fromOffset).toBe(4);
    first.receive(welcome(0));
    first.receive({ type: FrameType.output, offset: 4, data: bytes("abc") });
    first.drop();
    clock.runNext();
    const second = await net.socket(1);
    second.open();
    expect(hello(second).fromOffset).toBe(7);
    second.receive(welcome(0));
    second.receive({ type: FrameType.output, offset: 6, data: bytes("cd") });
    second.receive({ type: FrameType.snapshot, offset: 20, data: bytes("SCREEN") });
    expect(data).toEqual(["output:abc", "output:d", "snapshot:SCREEN"]);
    expect(link.offset()).toBe(20);
  });

  test("a resize while connecting follows the welcome; read-only sends neither keys nor resizes", async () => {
    const writer = setup();
    const ws = await writer.net.socket(0);
    writer.link.resize(100, 30); // before the hello: it carries the new size
    ws.open();
    expect(hello(ws)).toMatchObject({ cols: 100, rows: 30 });
    writer.link.resize(120, 40); // between hello and welcome: cannot go out yet
    expect(ws.sent.map((f) => f.type)).toEqual([FrameType.hello]);
    ws.receive(welcome(0));
    expect(ws.sent.slice(1)).toEqual([{ type: FrameType.resize, cols: 120, rows: 40 }]);

    const reader = setup({ readOnly: true });
    const ro = await reader.net.socket(0);
    ro.open();
    reader.link.resize(120, 40);
    ro.receive(welcome(0));
    reader.link.sendInput(bytes("x"));
    reader.link.resize(90, 20);
    expect(ro.sent.map((f) => f.type)).toEqual([FrameType.hello]);
    expect(hello(ro).readOnly).toBe(true);
  });

  test("a connect that fails is retried with a growing wait while the session runs, and given up after a few tries", async () => {
    const { net, clock, kinds, events } = setup({ random: () => 1 });
    for (let n = 0; n < MAX_FIRST_ATTACH_TRIES; n++) {
      (await net.socket(n)).drop();
      await settle();
      if (n < MAX_FIRST_ATTACH_TRIES - 1) clock.runNext();
    }
    expect(kinds()).toEqual(["reconnecting 100", "reconnecting 200", "reconnecting 400", "reconnecting 800", "failed"]);
    expect(events.at(-1)).toEqual({ kind: "failed", code: "ATTACH_REFUSED", probe: { kind: "running" } });
    expect(clock.waits()).toEqual([]);
  });

  test("after a drop, the backoff starts over once a welcome came", async () => {
    const { net, clock, kinds, welcomed } = setup({ random: () => 1 });
    (await net.socket(0)).drop();
    await settle();
    clock.runNext();
    const second = await welcomed(1);
    second.drop();
    expect(kinds()).toEqual(["reconnecting 100", "attached", "dropped", "reconnecting 100"]);
  });

  test("the probe decides what a failed connect means: ended, lost, unreachable on the first try", async () => {
    const cases: Array<[SessionProbe, AttachLinkEvent]> = [
      [{ kind: "exited", exitCode: 3 }, { kind: "exited", exit: { exitCode: 3, signal: null } }],
      [{ kind: "lost" }, { kind: "lost" }],
      [{ kind: "unreachable" }, { kind: "failed", code: "REMOTE_UNREACHABLE", probe: { kind: "unreachable" } }],
      [{ kind: "refused", code: "UNAUTHORIZED" }, { kind: "failed", code: "UNAUTHORIZED", probe: { kind: "refused", code: "UNAUTHORIZED" } }],
    ];
    for (const [probe, event] of cases) {
      const { net, events, clock } = setup({ probe: async () => probe });
      (await net.socket(0)).drop();
      await settle();
      expect(events).toEqual([event]);
      expect(clock.waits()).toEqual([]);
    }
  });

  test("an exit frame ends the link: the socket is closed, nothing reconnects, keys are ignored", async () => {
    const { net, clock, events, link, welcomed } = setup();
    const ws = await welcomed(0);
    ws.receive({ type: FrameType.exit, exit: { exitCode: 0, signal: null } });
    expect(events.at(-1)).toEqual({ kind: "exited", exit: { exitCode: 0, signal: null } });
    expect(ws.closes).toEqual([1000]);
    link.sendInput(bytes("late"));
    expect(inputs(ws)).toEqual([]);
    expect(clock.waits()).toEqual([]);
    expect(net.sockets.length).toBe(1);
  });

  test("a socket that cannot even be opened ends the link at once", () => {
    const events: AttachLinkEvent[] = [];
    const error = new SyntaxError("bad subprotocol");
    openAttachLink({
      open: () => {
        throw error;
      },
      clientId: "c",
      size: { cols: 80, rows: 24 },
      probe: async () => ({ kind: "running" }),
      scheduler: manualScheduler().scheduler,
      random: () => 0,
      onData: () => {},
      onEvent: (event) => events.push(event),
    });
    expect(events).toEqual([{ kind: "unopenable", error }]);
  });

  test("a handshake with no welcome in time is abandoned (terminated where the socket can be)", async () => {
    const { net, clock, kinds } = setup({ connectTimeoutMs: 1000, withTerminate: true });
    const first = await net.socket(0);
    first.open(); // opened, but the welcome never comes
    expect(clock.waits()).toEqual([1000]);
    clock.runNext();
    expect(first.terminated).toBe(true);
    await settle();
    expect(kinds()).toEqual(["reconnecting 50"]);
    clock.runNext();
    (await net.socket(1)).open();
    expect(clock.waits()).toEqual([1000]);
  });

  test("abandon drops an attached connection without a close handshake and reconnects; heard counts messages", async () => {
    const { net, clock, kinds, link, welcomed } = setup();
    const first = await welcomed(0);
    link.ping();
    expect(first.sent.at(-1)).toEqual({ type: FrameType.request, request: { op: "info" } });
    first.receive({ type: FrameType.reply, reply: {} });
    expect(link.heard()).toBe(2);
    link.abandon();
    expect(first.closes).toEqual([4000]); // no terminate() here: the browser's WebSocket has none
    expect(link.attached()).toBe(false);
    expect(kinds()).toEqual(["attached", "dropped", "reconnecting 50"]);
    clock.runNext();
    expect(net.sockets.length).toBe(2);
  });

  test("close ends the link quietly: the socket closes, no event, no retry", async () => {
    const { clock, events, link, welcomed } = setup();
    const ws = await welcomed(0);
    link.close();
    expect(ws.closes).toEqual([1000]);
    expect(events.map((e) => e.kind)).toEqual(["attached"]);
    expect(clock.waits()).toEqual([]);
  });
});
