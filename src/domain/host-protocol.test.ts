import { describe, expect, test } from "bun:test";
import { createFrameDecoder, encodeFrame, FrameType, MAX_FRAME, outputReply, ProtocolError, type Frame } from "./host-protocol.ts";
import { createOutputWindow } from "./output-window.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

const samples: Frame[] = [
  { type: FrameType.hello, hello: { v: 1, clientId: "c1", mode: "attach", cols: 80, rows: 24, fromOffset: 12 } },
  { type: FrameType.input, seq: 42, data: bytes("ls\r") },
  { type: FrameType.resize, cols: 120, rows: 40 },
  { type: FrameType.request, request: { op: "stop", reason: "done" } },
  { type: FrameType.snapshot, offset: 9_000_000_000, data: bytes("\x1bc screen") },
  { type: FrameType.output, offset: 3, data: bytes("hi") },
  { type: FrameType.exit, exit: { exitCode: 3, signal: null } },
  { type: FrameType.welcome, welcome: { id: "a", name: "b", cols: 1, rows: 2, offset: 3, lastSeq: 4 } },
  { type: FrameType.reply, reply: { ok: true } },
  { type: FrameType.notice, data: bytes("\x1b]9;hi\x07") },
  { type: FrameType.written, frames: 7 },
  { type: FrameType.detached },
  { type: FrameType.output, offset: 5, data: new Uint8Array(0) },
];

describe("host protocol", () => {
  test("every frame round-trips", () => {
    const got: Frame[] = [];
    const feed = createFrameDecoder((f) => got.push(f));
    for (const f of samples) feed(encodeFrame(f));
    expect(got).toEqual(samples);
  });

  test("frames split at every byte boundary decode the same", () => {
    const all = samples.map(encodeFrame);
    const joined = new Uint8Array(all.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of all) {
      joined.set(f, at);
      at += f.length;
    }
    const got: Frame[] = [];
    const feed = createFrameDecoder((f) => got.push(f));
    for (let i = 0; i < joined.length; i += 3) feed(joined.subarray(i, i + 3));
    expect(got).toEqual(samples);
  });

  test("a large frame in many small chunks, and many frames in one chunk, decode the same", () => {
    const big: Frame = { type: FrameType.output, offset: 1, data: new Uint8Array(300_000).map((_, i) => i % 251) };
    const joined = new Uint8Array([...encodeFrame(big), ...samples.flatMap((f) => [...encodeFrame(f)])]);
    const got: Frame[] = [];
    const feed = createFrameDecoder((f) => got.push(f));
    for (let i = 0; i < joined.length; i += 4096) feed(joined.slice(i, i + 4096));
    expect(got).toEqual([big, ...samples]);
  });

  test("an oversize length or unknown type is a protocol error", () => {
    const huge = new Uint8Array(5);
    new DataView(huge.buffer).setUint32(1, MAX_FRAME + 1);
    huge[0] = FrameType.output;
    expect(() => createFrameDecoder(() => {})(huge)).toThrow(ProtocolError);
    expect(() => createFrameDecoder(() => {})(Uint8Array.of(99, 0, 0, 0, 0))).toThrow(ProtocolError);
  });
});

describe("outputReply: what a host answers to {op: \"output\", from}", () => {
  const windowOf = (text: string, capacity = 1024) => {
    const window = createOutputWindow(capacity);
    window.append(bytes(text));
    return window;
  };

  test("from an offset to the end, as readable lines; `to` is where to ask next", () => {
    const raw = "old line\n\x1b[31mnew\x1b[0m line\r\n> ";
    const window = windowOf(raw);
    expect(outputReply(window, 9)).toEqual({ from: 9, to: raw.length, text: "new line\n>" });
    expect(outputReply(window, raw.length)).toEqual({ from: raw.length, to: raw.length, text: "" });
    window.append(bytes("typed\r\n"));
    expect(outputReply(window, raw.length)).toEqual({ from: raw.length, to: raw.length + 7, text: "typed" });
  });

  test("an offset past the end or not a number starts at the end or at 0", () => {
    const window = windowOf("abc\n");
    expect(outputReply(window, 99)).toEqual({ from: 4, to: 4, text: "" });
    expect(outputReply(window, Number.NaN)).toEqual({ from: 0, to: 4, text: "abc" });
    expect(outputReply(window, -5)).toEqual({ from: 0, to: 4, text: "abc" });
  });

  test("an offset out of the window, or a range over the cap, starts after the first newline", () => {
    const window = windowOf("0123456789\nsecond\nthird\n", 16); // retains the last 16 of 24 bytes: "89\nsecond\nthird\n"
    expect(window.start()).toBe(8);
    expect(outputReply(window, 0)).toEqual({ from: 11, to: 24, text: "second\nthird" });
    const big = windowOf(`${"x".repeat(100)}\ntail one\ntail two\n`); // 119 bytes; the last 15 start in "tail one"
    expect(outputReply(big, 0, 15)).toEqual({ from: 110, to: 119, text: "tail two" });
    // No newline in the cut range: all of it.
    expect(outputReply(windowOf("abcdefgh"), 0, 4)).toEqual({ from: 4, to: 8, text: "efgh" });
  });

  test("UTF-8 decoded, the pinned claude message intact", () => {
    const line = "API Error: Request rejected (429) · This request would exceed the rate limit for your organization of 50 requests per minute.";
    expect(outputReply(windowOf(`> go\r\n⎿  ${line}\r\n`), 0).text).toBe(`> go\n⎿  ${line}`);
  });
});
