import { describe, expect, test } from "bun:test";
import type { AgentSignal, AgentStatus, SignalKind, SignalSource } from "./agent-state.ts";
import { foldSignal, foldSignals, signalModeFor, startingStatus, THROTTLE_HOLD_MS } from "./fold.ts";

const T0 = Date.parse("2026-12-01T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();
const sig = (kind: SignalKind, ms: number, source: SignalSource = "claude", extra: Partial<AgentSignal> = {}): AgentSignal => ({ kind, source, at: at(ms), ...extra });
const start = startingStatus(at(0));
const states = (initial: AgentStatus | undefined, signals: AgentSignal[], mode = signalModeFor("claude")) => {
  const out: string[] = [];
  let status = initial;
  for (const s of signals) {
    const next = foldSignal(status, s, mode);
    if (next && next.state !== status?.state) out.push(next.state);
    status = next ?? status;
  }
  return { out, status };
};

describe("agent state fold", () => {
  test("a claude turn: start -> waiting, prompt -> working, permission -> needs-approval, tool -> working, stop -> waiting, end -> exited", () => {
    const { out, status } = states(start, [sig("start", 10), sig("prompt", 20), sig("permission", 30, "claude", { detail: "Claude needs your permission to use Bash" }), sig("tool", 40), sig("turn-end", 50), sig("end", 60, "host")]);
    expect(out).toEqual(["waiting", "working", "needs-approval", "working", "waiting", "exited"]);
    expect(status?.since).toBe(at(60));
  });

  test("since moves only when the state changes; a newer signal of the same state keeps it", () => {
    const a = foldSignal(start, sig("prompt", 10), "hooks");
    const b = foldSignal(a, sig("tool", 20), "hooks");
    expect(b).toMatchObject({ state: "working", since: at(10), lastAt: at(20) });
  });

  test("out of order: a signal older than the newest applied changes nothing", () => {
    // The Stop hook's process finished before the UserPromptSubmit hook's did.
    const waiting = foldSignal(foldSignal(start, sig("start", 5), "hooks"), sig("turn-end", 50), "hooks");
    expect(foldSignal(waiting, sig("prompt", 40), "hooks")).toBeUndefined();
    expect(foldSignals(start, [sig("turn-end", 50), sig("prompt", 40), sig("start", 5)], "hooks")?.state).toBe("waiting");
  });

  test("duplicates: the same signal twice is applied once; two kinds of one instant both count", () => {
    const once = foldSignal(start, sig("prompt", 10), "hooks");
    expect(foldSignal(once, sig("prompt", 10), "hooks")).toBeUndefined();
    expect(foldSignal(once, sig("permission", 10), "hooks")?.state).toBe("needs-approval");
    // The sequence breaks ties among one emitter's signals of the same millisecond.
    const first = foldSignal(start, sig("output", 10, "output", { seq: 2 }), "activity");
    expect(foldSignal(first, sig("quiet", 10, "output", { seq: 1 }), "activity")).toBeUndefined();
    expect(foldSignal(first, sig("quiet", 10, "output", { seq: 3 }), "activity")?.state).toBe("idle");
  });

  test("exited is final: nothing after it, not even a newer start", () => {
    const exited = foldSignal(start, sig("end", 10, "host"), "hooks");
    expect(exited?.state).toBe("exited");
    expect(foldSignal(exited, sig("start", 20), "hooks")).toBeUndefined();
    expect(foldSignal(exited, sig("output", 20, "output"), "activity")).toBeUndefined();
  });

  test("hooks mode: output activity is ignored (a TUI redraws while it waits)", () => {
    const waiting = foldSignal(start, sig("start", 10), "hooks");
    expect(foldSignal(waiting, sig("output", 20, "output"), "hooks")).toBeUndefined();
    expect(foldSignal(waiting, sig("quiet", 30, "output"), "hooks")).toBeUndefined();
  });

  test("activity mode (shell, opencode, agy, mistral): working while output flows, idle after quiet", () => {
    const { out } = states(start, [sig("output", 10, "output"), sig("quiet", 20, "output"), sig("output", 30, "output"), sig("quiet", 40, "output")], "activity");
    expect(out).toEqual(["working", "idle", "working", "idle"]);
  });

  test("turn-end mode (codex): quiet before the first notify is waiting; after it only notify ends a turn", () => {
    const { out } = states(start, [sig("output", 10, "output"), sig("quiet", 20, "output"), sig("output", 30, "output"), sig("turn-end", 40, "codex"), sig("output", 50, "output"), sig("quiet", 60, "output"), sig("turn-end", 70, "codex")], "turn-end");
    expect(out).toEqual(["working", "waiting", "working", "waiting", "working", "waiting"]);
  });

  test("throttled keeps its reset time; output during the limit keeps it throttled, output after the reset makes it working", () => {
    const resetAt = at(60_000);
    const throttled = foldSignal(foldSignal(start, sig("output", 10, "output"), "activity"), sig("throttle", 20, "throttle", { resetAt, detail: "429" }), "activity");
    expect(throttled).toMatchObject({ state: "throttled", resetAt, detail: "429", since: at(20) });
    expect(foldSignal(throttled, sig("quiet", 30, "output"), "activity")).toBeUndefined();
    expect(foldSignal(throttled, sig("output", 59_000, "output"), "activity")).toBeUndefined();
    expect(foldSignal(throttled, sig("output", 60_000, "output"), "activity")).toMatchObject({ state: "working", resetAt: undefined });
    // Without a reset time, the limit is taken to hold for a while.
    const unknown = foldSignal(start, sig("throttle", 20, "throttle"), "activity");
    expect(foldSignal(unknown, sig("output", 20 + THROTTLE_HOLD_MS - 1, "output"), "activity")).toBeUndefined();
    expect(foldSignal(unknown, sig("output", 20 + THROTTLE_HOLD_MS, "output"), "activity")?.state).toBe("working");
    // A hooked agent leaves throttled when the person prompts it again.
    expect(foldSignal(unknown, sig("prompt", 30), "hooks")?.state).toBe("working");
  });

  test("an idle reminder does not hide a pending approval", () => {
    const asking = foldSignal(start, sig("permission", 10), "hooks");
    expect(foldSignal(asking, sig("idle-prompt", 20), "hooks")).toBeUndefined();
    // Already waiting: only the stamp moves, not since.
    expect(foldSignal(foldSignal(start, sig("turn-end", 10), "hooks"), sig("idle-prompt", 20), "hooks")).toMatchObject({ state: "waiting", since: at(10), lastAt: at(20) });
  });

  test("modes per profile", () => {
    expect(["claude", "gemini", "codex", "shell", "opencode", "agy", "mistral"].map(signalModeFor)).toEqual(["hooks", "hooks", "turn-end", "activity", "activity", "activity", "activity"]);
  });
});
