import { describe, expect, test } from "bun:test";
import { acceptOutput, decideAfterDrop, heartbeatVerdict, inputsAfterWelcome, inputsToResend, MAX_FIRST_ATTACH_TRIES, reconnectDelayMs, resizeAfterWelcome, trimPending, type PendingInput } from "./reconnect.ts";

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("reconnectDelayMs", () => {
  test("doubles from 100 ms and stops at the 5 s cap", () => {
    const upper = Array.from({ length: 9 }, (_, i) => reconnectDelayMs(i, 1));
    expect(upper).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
    expect(reconnectDelayMs(1000, 1)).toBe(5000);
  });

  test("jitter stays in the upper half of the window, never zero", () => {
    expect(reconnectDelayMs(0, 0)).toBe(50);
    expect(reconnectDelayMs(3, 0.5)).toBe(600);
    expect(reconnectDelayMs(10, 0)).toBe(2500);
  });

  test("a bad random draw or attempt cannot produce a negative or over-cap wait", () => {
    for (const r of [-3, 7, Number.NaN]) {
      const d = reconnectDelayMs(2, r);
      expect(d).toBeGreaterThanOrEqual(200);
      expect(d).toBeLessThanOrEqual(400);
    }
    expect(reconnectDelayMs(-4, 1)).toBe(100);
  });
});

describe("acceptOutput", () => {
  test("the first frame is taken whole, wherever it starts", () => {
    const step = acceptOutput(undefined, 40, bytes("hello"));
    expect([text(step.fresh), step.offset]).toEqual(["hello", 45]);
  });

  test("a frame that continues the stream is taken whole", () => {
    const step = acceptOutput(10, 10, bytes("abc"));
    expect([text(step.fresh), step.offset]).toEqual(["abc", 13]);
  });

  test("a repeated frame shows nothing and keeps the offset", () => {
    const step = acceptOutput(13, 10, bytes("abc"));
    expect([step.fresh.length, step.offset]).toEqual([0, 13]);
  });

  test("a frame overlapping what was received shows only the new tail", () => {
    const step = acceptOutput(12, 10, bytes("abcdef"));
    expect([text(step.fresh), step.offset]).toEqual(["cdef", 16]);
  });

  test("a frame past a gap is taken (only a snapshot can repair a gap)", () => {
    const step = acceptOutput(5, 9, bytes("xy"));
    expect([text(step.fresh), step.offset]).toEqual(["xy", 11]);
  });
});

describe("inputsToResend", () => {
  const pending: PendingInput[] = [1, 2, 3, 4].map((seq) => ({ seq, data: bytes(`k${seq}`) }));

  test("only inputs the host has not applied are sent again, in order", () => {
    expect(inputsToResend(pending, 2).map((p) => p.seq)).toEqual([3, 4]);
  });

  test("nothing is resent once the host applied everything", () => {
    expect(inputsToResend(pending, 4)).toEqual([]);
    expect(inputsToResend(pending, 9)).toEqual([]);
  });

  test("a fresh host (lastSeq 0) gets everything", () => {
    expect(inputsToResend(pending, 0).map((p) => p.seq)).toEqual([1, 2, 3, 4]);
  });
});

describe("trimPending", () => {
  const pending: PendingInput[] = [1, 2, 3].map((seq) => ({ seq, data: new Uint8Array(10) }));

  test("keeps everything within the budget", () => {
    expect(trimPending(pending, 30).map((p) => p.seq)).toEqual([1, 2, 3]);
  });

  test("over the budget, drops the oldest down to half the budget", () => {
    expect(trimPending(pending, 29).map((p) => p.seq)).toEqual([3]);
    expect(trimPending(pending, 45).map((p) => p.seq)).toEqual([1, 2, 3]);
    expect(trimPending(pending, 25).map((p) => p.seq)).toEqual([3]);
    expect(trimPending(pending, 5)).toEqual([]);
  });
});

describe("decideAfterDrop", () => {
  test("a running session is retried", () => {
    expect(decideAfterDrop({ kind: "running" }, true, 0)).toEqual({ kind: "retry" });
    expect(decideAfterDrop({ kind: "running" }, false, 1)).toEqual({ kind: "retry" });
  });

  test("a session that looks fine but never attaches is given up", () => {
    expect(decideAfterDrop({ kind: "running" }, false, MAX_FIRST_ATTACH_TRIES)).toEqual({ kind: "fail", code: "ATTACH_REFUSED" });
    expect(decideAfterDrop({ kind: "running" }, true, 99)).toEqual({ kind: "retry" });
  });

  test("an unreachable server is retried only after we were attached once", () => {
    expect(decideAfterDrop({ kind: "unreachable" }, true, 40)).toEqual({ kind: "retry" });
    expect(decideAfterDrop({ kind: "unreachable" }, false, 0)).toEqual({ kind: "fail", code: "REMOTE_UNREACHABLE" });
  });

  test("an ended session or a refusal is final", () => {
    expect(decideAfterDrop({ kind: "exited", exitCode: 3 }, true, 0)).toEqual({ kind: "exited", exitCode: 3 });
    expect(decideAfterDrop({ kind: "lost" }, true, 0)).toEqual({ kind: "lost" });
    expect(decideAfterDrop({ kind: "refused", code: "UNAUTHORIZED" }, true, 0)).toEqual({ kind: "fail", code: "UNAUTHORIZED" });
  });
});

describe("inputsAfterWelcome", () => {
  const pending: PendingInput[] = [3, 4, 5].map((seq) => ({ seq, data: bytes(`k${seq}`) }));
  const shown = (r: ReturnType<typeof inputsAfterWelcome>) => [r.resend.map((p) => `${p.seq}:${text(p.data)}`), r.seq];

  test("on a reconnect, what the host applied is done and the numbering goes on", () => {
    expect(shown(inputsAfterWelcome(pending, 5, 3, false))).toEqual([["4:k4", "5:k5"], 5]);
    expect(shown(inputsAfterWelcome(pending, 5, 5, false))).toEqual([[], 5]);
  });

  test("on the first welcome, every queued input is new to the host and numbered after its lastSeq", () => {
    // The clientId had 40 inputs applied before (a reload); ours must not be taken for repeats.
    expect(shown(inputsAfterWelcome(pending, 5, 40, true))).toEqual([["41:k3", "42:k4", "43:k5"], 43]);
    expect(shown(inputsAfterWelcome([], 0, 40, true))).toEqual([[], 40]);
    expect(shown(inputsAfterWelcome(pending, 5, 0, true))).toEqual([["1:k3", "2:k4", "3:k5"], 3]);
  });
});

describe("resizeAfterWelcome", () => {
  test("only a size that changed since the hello goes out, and never from a read-only client", () => {
    expect(resizeAfterWelcome({ cols: 80, rows: 24 }, { cols: 80, rows: 24 }, false)).toBeUndefined();
    expect(resizeAfterWelcome({ cols: 80, rows: 24 }, { cols: 80, rows: 30 }, false)).toEqual({ cols: 80, rows: 30 });
    expect(resizeAfterWelcome({ cols: 80, rows: 24 }, { cols: 100, rows: 24 }, false)).toEqual({ cols: 100, rows: 24 });
    expect(resizeAfterWelcome({ cols: 80, rows: 24 }, { cols: 100, rows: 30 }, true)).toBeUndefined();
  });
});

describe("heartbeatVerdict", () => {
  test("the first tick pings; a link heard from since the last ping is pinged again", () => {
    expect(heartbeatVerdict(undefined, 0)).toBe("ping");
    expect(heartbeatVerdict(4, 5)).toBe("ping");
  });

  test("silent for a whole period after a ping: dropped", () => {
    expect(heartbeatVerdict(4, 4)).toBe("drop");
    expect(heartbeatVerdict(0, 0)).toBe("drop");
  });
});
