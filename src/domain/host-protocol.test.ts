import { describe, expect, test } from "bun:test";
import { createFrameDecoder, encodeFrame, FrameType, MAX_FRAME, ProtocolError, type Frame } from "./host-protocol.ts";

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

  test("an oversize length or unknown type is a protocol error", () => {
    const huge = new Uint8Array(5);
    new DataView(huge.buffer).setUint32(1, MAX_FRAME + 1);
    huge[0] = FrameType.output;
    expect(() => createFrameDecoder(() => {})(huge)).toThrow(ProtocolError);
    expect(() => createFrameDecoder(() => {})(Uint8Array.of(99, 0, 0, 0, 0))).toThrow(ProtocolError);
  });
});
