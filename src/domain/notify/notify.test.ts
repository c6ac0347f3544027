import { describe, expect, test } from "bun:test";
import type { AgentState, AgentStatus, SessionStateEvent } from "../agent-state/agent-state.ts";
import type { SessionRecord } from "../session.ts";
import { DEFAULT_NOTIFY_STATES, notificationFor, withHeldBack } from "./notification.ts";
import { admitNotification, forgetSession, type RateLedger } from "./rate-limit.ts";
import { terminalNotification } from "./terminal-sequence.ts";
import { isRetryable, retryDelayMs, webhookRequest } from "./webhook-request.ts";

const session = { id: "s1", name: "api-fix", profile: "claude" } as SessionRecord;
const status = (state: AgentState, over: Partial<AgentStatus> = {}): AgentStatus => ({ state, since: "2026-12-01T08:00:00.000Z", lastAt: "2026-12-01T08:00:00.000Z", source: "claude", ...over });
const event = (state: AgentState, previous?: AgentState, over: Partial<AgentStatus> = {}): SessionStateEvent => ({ session, current: status(state, over), previous: previous ? status(previous) : undefined });

describe("notificationFor", () => {
  test("waiting and needs-approval notify by default; working does not", () => {
    expect(notificationFor(event("waiting", "working"), DEFAULT_NOTIFY_STATES)).toEqual({
      sessionId: "s1",
      title: "api-fix is waiting for you",
      body: "claude session s1 is waiting for you",
      tags: ["waiting", "claude"],
      priority: 3,
    });
    expect(notificationFor(event("needs-approval", "working", { detail: "Bash(rm -rf build)" }), DEFAULT_NOTIFY_STATES)).toMatchObject({
      title: "api-fix needs your approval",
      body: "claude session s1 needs your approval: Bash(rm -rf build)",
      priority: 4,
    });
    expect(notificationFor(event("working", "waiting"), DEFAULT_NOTIFY_STATES)).toBeUndefined();
  });

  test("a throttle says when it resets; the same state again is no news; the configured states decide", () => {
    expect(notificationFor(event("throttled", "working", { resetAt: "2026-12-01T09:00:00.000Z" }), DEFAULT_NOTIFY_STATES)?.body).toBe("claude session s1 is throttled until 2026-12-01T09:00:00.000Z");
    expect(notificationFor(event("waiting", "waiting"), DEFAULT_NOTIFY_STATES)).toBeUndefined();
    expect(notificationFor(event("waiting", "working"), ["needs-approval"])).toBeUndefined();
    expect(notificationFor(event("exited", "working"), ["exited"])?.title).toBe("api-fix has exited");
  });

  test("withHeldBack counts what the rate limit held back", () => {
    const n = notificationFor(event("waiting"), DEFAULT_NOTIFY_STATES)!;
    expect(withHeldBack(n, 0)).toBe(n);
    expect(withHeldBack(n, 1).body).toEndWith("(+1 earlier change not sent)");
    expect(withHeldBack(n, 3).body).toEndWith("(+3 earlier changes not sent)");
  });
});

describe("admitNotification: one per session per interval", () => {
  test("a flapping session sends once per interval; other sessions are not held back", () => {
    let ledger: RateLedger = new Map();
    const at = (ms: number, id = "s1") => {
      const d = admitNotification(ledger, id, ms, 60_000);
      ledger = d.ledger;
      return d.send ? `sent+${d.heldBefore}` : "held";
    };
    expect([at(0), at(5_000), at(10_000), at(20_000, "s2"), at(59_999), at(60_000), at(61_000)]).toEqual(["sent+0", "held", "held", "sent+0", "held", "sent+3", "held"]);
  });

  test("a clock that went back does not silence a session; forgetSession drops it", () => {
    let ledger: RateLedger = admitNotification(new Map(), "s1", 100_000, 60_000).ledger;
    expect(admitNotification(ledger, "s1", 10_000, 60_000).send).toBe(true);
    ledger = forgetSession(ledger, "s1");
    expect(ledger.size).toBe(0);
    expect(forgetSession(ledger, "nope")).toBe(ledger);
  });
});

describe("terminalNotification", () => {
  test("OSC 9 then OSC 777 notify, each ended by BEL", () => {
    expect(terminalNotification("api-fix is waiting", "claude session s1")).toBe("\x1b]9;api-fix is waiting: claude session s1\x07\x1b]777;notify;api-fix is waiting;claude session s1\x07");
  });

  test("control characters in a name cannot end the sequence or start another; ';' cannot move the OSC 777 body", () => {
    const bytes = terminalNotification("evil\x07\x1b]52;c;aGk=\x07;name", "body\x9b2J");
    expect(bytes.match(/\x07/g)?.length).toBe(2);
    expect(bytes.match(/\x1b/g)?.length).toBe(2);
    expect(bytes).not.toContain("\x9b");
    expect(bytes).toContain("\x1b]777;notify;evil  ]52,c,aGk= ,name;body 2J\x07");
  });
});

describe("webhookRequest (ntfy)", () => {
  test("text body; Title, Tags, Priority headers in ASCII", () => {
    const n = { ...notificationFor(event("needs-approval", "working"), DEFAULT_NOTIFY_STATES)!, title: "café\nbar" };
    expect(webhookRequest(n)).toEqual({
      body: "claude session s1 needs your approval",
      headers: { "content-type": "text/plain; charset=utf-8", title: "caf? bar", tags: "needs-approval,claude", priority: "4" },
    });
  });

  test("retries on no answer, 408, 429, 5xx; exponential backoff with a cap", () => {
    expect([0, 408, 429, 500, 503].every(isRetryable)).toBe(true);
    expect([200, 400, 401, 404, 413].some(isRetryable)).toBe(false);
    expect([0, 1, 2, 3, 10].map((a) => retryDelayMs(a, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
