/**
 * A host that writes an attach client's terminal itself (Hello.terminal): straight to the
 * terminal while it takes the bytes; what a full terminal did not take goes to the client as
 * frames, in order, and the host writes directly again only once the client wrote them all.
 */
import { describe, expect, test } from "bun:test";
import { createFrameDecoder, encodeFrame, FrameType, type Frame } from "../../domain/host-protocol.ts";
import { createOutputWindow } from "../../domain/output-window.ts";
import type { Screen, TerminalDevice } from "../../domain/ports.ts";
import { createClientStream } from "./client-stream.ts";
import { eventually } from "../../../test/support/wait.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function setup() {
  const window = createOutputWindow(1024);
  const frames: Frame[] = [];
  const decode = createFrameDecoder((frame) => frames.push(frame));
  const socket = { write: (data: Uint8Array) => (decode(data), data.length), end: () => {} };
  const screen = { snapshot: async () => ({ offset: window.end(), data: "SCREEN" }), size: () => ({ cols: 80, rows: 24 }) } as Screen;
  /** The person's terminal: what it shows, and how many more bytes it takes before it is full. */
  const tty = { shown: "", room: Number.POSITIVE_INFINITY, closed: false };
  const device: TerminalDevice = {
    write: (data) => {
      const n = Math.min(data.length, tty.room);
      tty.room -= n;
      tty.shown += text(data.subarray(0, n));
      return n;
    },
    read: () => {},
    close: () => void (tty.closed = true),
  };
  const client = createClientStream(socket, window, screen, () => {});
  /** What the client does with a terminal frame: writes it. */
  const clientWrites = () => {
    for (const f of frames.splice(0)) if (f.type === FrameType.output || f.type === FrameType.snapshot || f.type === FrameType.notice) tty.shown += text(f.data);
  };
  const output = (data: string) => {
    window.append(bytes(data));
    client.pump();
  };
  const screenShown = () => eventually(() => tty.shown.startsWith("SCREEN"), "the screen on the terminal");
  return { client, device, tty, frames, output, clientWrites, screenShown, written: (n: number) => client.receive(encodeFrame({ type: FrameType.written, frames: n })) };
}

describe("a host writing the client's terminal itself", () => {
  test("screen and output go straight to the terminal: no frames", async () => {
    const s = setup();
    s.client.takeTerminal(s.device);
    s.client.startStreaming();
    await s.screenShown();
    s.output("hello");
    s.client.notice(bytes("!"));
    expect(s.tty.shown).toBe("SCREENhello!");
    expect(s.frames).toEqual([]);
  });

  test("a full terminal: the rest goes as frames, in order, until the client wrote every one; then directly again", async () => {
    const s = setup();
    s.client.takeTerminal(s.device);
    s.client.startStreaming();
    await s.screenShown();
    s.tty.room = 3;
    s.output("abcdef");
    expect(s.tty.shown).toBe("SCREENabc");
    expect(s.frames.map((f) => f.type)).toEqual([FrameType.output]);
    // Room again, but the client has not written the relayed bytes yet: more output must follow them.
    s.tty.room = Number.POSITIVE_INFINITY;
    s.output("gh");
    expect(s.tty.shown).toBe("SCREENabc");
    s.clientWrites();
    s.written(1); // a stale count: one frame is still on its way
    s.output("ij");
    s.clientWrites();
    s.written(3);
    s.output("kl");
    expect(s.tty.shown).toBe("SCREENabcdefghijkl");
    expect(s.frames).toEqual([]);
  });

  test("a terminal full from the start: the screen goes as a snapshot frame, and output follows it as frames", async () => {
    const s = setup();
    s.tty.room = 0;
    s.client.takeTerminal(s.device);
    s.client.startStreaming();
    await eventually(() => s.frames.length > 0, "the screen as a frame");
    s.output("x");
    expect(s.frames.map((f) => f.type)).toEqual([FrameType.snapshot, FrameType.output]);
    s.clientWrites();
    expect(s.tty.shown).toBe("SCREENx");
  });

  test("ending the client closes its terminal", () => {
    const s = setup();
    s.client.takeTerminal(s.device);
    s.client.end();
    expect(s.tty.closed).toBe(true);
  });

  test("on detach the host stops writing the terminal, lets go of it and tells the client", async () => {
    const s = setup();
    s.client.takeTerminal(s.device);
    s.client.startStreaming();
    await s.screenShown();
    s.client.detach();
    s.output("late");
    expect(s.tty).toMatchObject({ shown: "SCREEN", closed: true });
    expect(s.frames.map((f) => f.type)).toEqual([FrameType.detached]);
  });
});
