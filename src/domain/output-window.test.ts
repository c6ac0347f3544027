import { describe, expect, test } from "bun:test";
import { createOutputWindow } from "./output-window.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe("output window", () => {
  test("reads back what was appended, by absolute offset", () => {
    const w = createOutputWindow(16);
    w.append(bytes("hello "));
    w.append(bytes("world"));
    expect(w.end()).toBe(11);
    expect(text(w.read(0))).toBe("hello world");
    expect(text(w.read(6))).toBe("world");
    expect(text(w.read(11))).toBe("");
    expect(text(w.read(2, 3))).toBe("llo");
  });

  test("wraps around and forgets the oldest bytes", () => {
    const w = createOutputWindow(8);
    w.append(bytes("abcdef"));
    w.append(bytes("ghijk"));
    expect(w.start()).toBe(3);
    expect(w.read(2)).toBeUndefined();
    expect(text(w.read(3))).toBe("defghijk");
    expect(text(w.read(9))).toBe("jk");
  });

  test("a chunk larger than the window keeps only its tail, offsets stay absolute", () => {
    const w = createOutputWindow(4);
    w.append(bytes("xy"));
    w.append(bytes("0123456789"));
    expect(w.end()).toBe(12);
    expect(w.start()).toBe(8);
    expect(text(w.read(8))).toBe("6789");
  });

  test("an offset past the end is not retained", () => {
    const w = createOutputWindow(4);
    w.append(bytes("ab"));
    expect(w.read(3)).toBeUndefined();
  });

  test("matches a naive model over many random appends", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const w = createOutputWindow(97);
    let all: number[] = [];
    for (let i = 0; i < 500; i++) {
      const chunk = Uint8Array.from({ length: Math.floor(rand() * 150) }, () => Math.floor(rand() * 256));
      w.append(chunk);
      all = all.concat(Array.from(chunk));
      const from = Math.max(0, all.length - Math.floor(rand() * 97));
      expect(Array.from(w.read(from) ?? [])).toEqual(all.slice(from));
    }
  });
});
