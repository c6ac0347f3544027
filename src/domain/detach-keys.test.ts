import { describe, expect, test } from "bun:test";
import { CTRL_P, CTRL_Q, feedDetachKeys, flushDetachKeys, initialDetachState } from "./detach-keys.ts";

const feed = (...chunks: number[][]) => {
  let state = initialDetachState;
  const forwarded: number[] = [];
  for (const chunk of chunks) {
    const step = feedDetachKeys(state, Uint8Array.from(chunk));
    forwarded.push(...step.forward);
    state = step.state;
    if (step.detach) return { forwarded, detached: true, state };
  }
  return { forwarded, detached: false, state };
};

describe("detach chord", () => {
  test("plain input passes through untouched", () => {
    expect(feed([0x61, 0x62, 0x0d])).toEqual({ forwarded: [0x61, 0x62, 0x0d], detached: false, state: { pending: false } });
  });
  test("Ctrl+P Ctrl+Q in one chunk detaches and forwards what came before", () => {
    expect(feed([0x61, CTRL_P, CTRL_Q, 0x62])).toMatchObject({ forwarded: [0x61], detached: true });
  });
  test("Ctrl+P and Ctrl+Q split across chunks still detach", () => {
    const r = feed([CTRL_P], [CTRL_Q]);
    expect(r.detached).toBe(true);
    expect(r.forwarded).toEqual([]);
  });
  test("Ctrl+P followed by another key forwards both", () => {
    expect(feed([CTRL_P], [0x6b])).toMatchObject({ forwarded: [CTRL_P, 0x6b], detached: false });
  });
  test("Ctrl+P Ctrl+P Ctrl+Q forwards one Ctrl+P and detaches", () => {
    expect(feed([CTRL_P, CTRL_P, CTRL_Q])).toMatchObject({ forwarded: [CTRL_P], detached: true });
  });
  test("a lone Ctrl+P is held, then forwarded when the wait runs out", () => {
    const r = feed([CTRL_P]);
    expect(r.forwarded).toEqual([]);
    expect(r.state.pending).toBe(true);
    const flushed = flushDetachKeys(r.state);
    expect(Array.from(flushed.forward)).toEqual([CTRL_P]);
    expect(flushed.state.pending).toBe(false);
    expect(flushDetachKeys(flushed.state).forward.length).toBe(0);
  });
  test("a lone Ctrl+Q is ordinary input", () => {
    expect(feed([CTRL_Q])).toMatchObject({ forwarded: [CTRL_Q], detached: false });
  });
});
