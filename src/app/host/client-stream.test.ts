/**
 * A host that writes an attach client's terminal itself (Hello.terminal): straight to the
 * terminal while it takes the bytes; what a full terminal did not take goes to the client as
 * frames, in order, and the host writes directly again only once the client wrote them all.
 */
import { describe, expect, test } from "bun:test";
import { createFrameDecoder, encodeFrame, FrameType, type Frame } from "../../domain/host-protocol.ts";
import { createOutputWindow } from "../../domain/output-window.ts";
import type { Screen, TerminalDevice } from "../../domain/ports.ts";
import { GRACE } from "../../domain/terminal-backlog.ts";
import { createClientStream } from "./client-stream.ts";
import { eventually } from "../../../test/support/wait.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

function setup(capacity = 1024) {
  const window = createOutputWindow(capacity);
  const frames: Frame[] = [];
  const decode = createFrameDecoder((frame) => frames.push(frame));
  /** The client's socket: how many more bytes it takes before it is full (then the host waits for a drain). */
  const link = { room: Number.POSITIVE_INFINITY };
  const socket = {
    write: (data: Uint8Array) => {
      const n = Math.min(data.length, link.room);
      link.room -= n;
      decode(data.subarray(0, n));
      return n;
    },
    end: () => {},
  };
  const screen = { snapshot: async () => ({ offset: window.end(), data: "SCREEN" }), size: () => ({ cols: 4, rows: 4 }) } as Screen;
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
  return { client, window, socket, device, tty, link, frames, output, clientWrites, screenShown, written: (n: number) => client.receive(encodeFrame({ type: FrameType.written, frames: n })) };
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

/** More output than a terminal may stay behind for. */
const flood = (mark: string) => mark + "y".repeat(GRACE + 200);
const outputOf = (frames: Frame[]) => frames.map((f) => (f.type === FrameType.output ? text(f.data) : "")).join("");

describe("a terminal that falls behind skips to a redraw, as with tmux", () => {
  test("written directly: past the backlog nothing more goes to it; once the flood is over and the client wrote what it was sent, one redraw and on from there", async () => {
    const s = setup(8 * GRACE);
    s.client.takeTerminal(s.device);
    s.client.startStreaming();
    await s.screenShown();
    s.tty.room = 0;
    s.output(flood("A"));
    s.output("SKIPPED");
    // The flood went to the client as frames (the terminal was full); what came after, nowhere.
    expect(s.frames.every((f) => f.type === FrameType.output)).toBe(true);
    expect(outputOf(s.frames)).toBe(flood("A"));
    const relayed = s.frames.length;
    s.tty.room = Number.POSITIVE_INFINITY;
    s.clientWrites();
    s.written(relayed);
    await eventually(() => s.tty.shown.endsWith("SCREEN"), "the redraw");
    s.output("after");
    expect(s.tty.shown).toBe(`SCREEN${flood("A")}SCREENafter`);
    expect(s.frames).toEqual([]);
  });

  test("no redraw while the client has not written what it was sent: it is still behind", async () => {
    const s = setup(8 * GRACE);
    s.client.takeTerminal(s.device);
    s.client.startStreaming();
    await s.screenShown();
    s.tty.room = 0;
    s.output(flood("A"));
    // Several intervals pass with no output: a redraw now would only queue behind the flood.
    const shown = s.tty.shown;
    const relayed = s.frames.length;
    await Bun.sleep(350); // a stretch of quiet intervals to watch nothing happen in (not synchronisation)
    expect(s.tty.shown).toBe(shown);
    expect(s.frames).toHaveLength(relayed);
    expect(s.frames.every((f) => f.type === FrameType.output)).toBe(true);
  });

  test("relayed (no terminal of its own): a client whose socket stays full is skipped the same way; the redraw comes as a snapshot frame", async () => {
    const s = setup(8 * GRACE);
    s.client.startStreaming();
    await eventually(() => s.frames.length > 0, "the first screen");
    s.link.room = 0;
    s.output(flood("A"));
    s.output(flood("B"));
    s.output("SKIPPED");
    s.link.room = Number.POSITIVE_INFINITY;
    s.client.pump(); // the socket drained
    await eventually(() => s.frames.at(-1)?.type === FrameType.snapshot, "the redraw");
    s.output("after");
    const types = s.frames.map((f) => f.type);
    expect(types[0]).toBe(FrameType.snapshot);
    expect(types.slice(-2)).toEqual([FrameType.snapshot, FrameType.output]);
    expect(outputOf(s.frames)).not.toContain("SKIPPED");
    expect(outputOf(s.frames).endsWith("after")).toBe(true);
  });

  test("attached during a flood the model lags past the window: the screen at once, then skipped until the flood is over, then the settled redraw", async () => {
    const s = setup(1024);
    s.output("z".repeat(3000));
    // The model has parsed up to 0 only (a flood's output held back); settled, it reflects it all.
    const stale = { offset: 0, data: "STALE" };
    const screen = { snapshot: async (wanted?: { settled?: boolean }) => (wanted?.settled ? { offset: s.window.end(), data: "SCREEN" } : stale), size: () => ({ cols: 4, rows: 4 }) } as Screen;
    const client = createClientStream(s.socket, s.window, screen, () => {});
    client.takeTerminal(s.device);
    client.startStreaming();
    await eventually(() => s.tty.shown === "STALE", "the screen at once");
    s.window.append(bytes("more"));
    client.pump();
    expect(s.tty.shown).toBe("STALE");
    await eventually(() => s.tty.shown === "STALESCREEN", "the redraw once the flood is over");
    s.window.append(bytes("after"));
    client.pump();
    expect(s.tty.shown).toBe("STALESCREENafter");
  });

  test("a byte reader (Hello.everyByte: logs --follow, attach --pipe) is never skipped: it gets every byte once it reads again", async () => {
    const s = setup(8 * GRACE);
    s.client.setHello({ v: 1, clientId: "logs", mode: "attach", readOnly: true, everyByte: true });
    s.client.startStreaming(0);
    s.link.room = 0;
    s.output(flood("A"));
    s.output(flood("B"));
    s.output("end");
    s.link.room = Number.POSITIVE_INFINITY;
    s.client.pump();
    expect(s.frames.every((f) => f.type === FrameType.output)).toBe(true);
    expect(outputOf(s.frames)).toBe(`${flood("A")}${flood("B")}end`);
  });
});
