import { describe, expect, test } from "bun:test";
import { accountProfile, chooseAccount, isExhausted, type AccountRecord } from "./accounts.ts";
import { interactiveTaskArgs } from "./interactive-task.ts";

const now = new Date("2026-01-01T12:00:00Z");
const later = "2026-01-01T13:00:00.000Z";
const earlier = "2026-01-01T11:00:00.000Z";
const acct = (id: string, profile: "claude" | "codex" | "gemini", extra: Partial<AccountRecord> = {}): AccountRecord => ({
  id,
  profile,
  provider: profile === "claude" ? "anthropic" : profile === "codex" ? "openai" : "google",
  createdAt: earlier,
  ...extra,
});

describe("chooseAccount", () => {
  test("no account of the provider: the ambient credentials", () => {
    expect(chooseAccount([acct("c", "codex")], "claude", now)).toEqual({ kind: "none" });
    expect(chooseAccount([acct("a", "claude")], "opencode", now)).toEqual({ kind: "none" });
  });

  test("least recently used first (never used before any), skipping exhausted ones", () => {
    const accounts = [acct("a", "claude", { lastUsedAt: "2026-01-01T10:00:00Z" }), acct("b", "claude"), acct("c", "claude", { exhaustedUntil: later })];
    expect(chooseAccount(accounts, "claude", now)).toMatchObject({ kind: "account", account: { id: "b" }, profile: "claude" });
    expect(chooseAccount(accounts.slice(0, 1), "claude", now)).toMatchObject({ account: { id: "a" } });
  });

  test("an exhaustion that has passed no longer counts", () => {
    expect(isExhausted(acct("a", "claude", { exhaustedUntil: earlier }), now)).toBe(false);
    expect(chooseAccount([acct("a", "claude", { exhaustedUntil: earlier })], "claude", now)).toMatchObject({ account: { id: "a" } });
  });

  test("all exhausted: the other provider's profile, unless fallback is off; else the soonest free", () => {
    const accounts = [acct("a", "claude", { exhaustedUntil: later }), acct("b", "claude", { exhaustedUntil: "2026-01-01T12:30:00Z" }), acct("x", "codex")];
    expect(chooseAccount(accounts, "claude", now)).toEqual({ kind: "account", account: accounts[2] as AccountRecord, profile: "codex", fellBackFrom: "claude" });
    expect(chooseAccount(accounts, "claude", now, { allowFallback: false })).toMatchObject({ account: { id: "b" }, profile: "claude", exhausted: true });
    expect(chooseAccount([acct("g", "gemini", { exhaustedUntil: later })], "gemini", now)).toMatchObject({ account: { id: "g" }, exhausted: true });
  });

  test("--account forces one of the right provider, exhausted or not", () => {
    const accounts = [acct("a", "claude", { exhaustedUntil: later }), acct("x", "codex")];
    expect(chooseAccount(accounts, "claude", now, { forced: "a" })).toMatchObject({ account: { id: "a" }, profile: "claude" });
    expect(() => chooseAccount(accounts, "claude", now, { forced: "x" })).toThrow("Cannot run profile 'claude' with account 'x': it is a codex account");
    expect(() => chooseAccount(accounts, "claude", now, { forced: "nope" })).toThrow("Cannot use account 'nope': no such account");
  });

  test("accounts exist for claude, codex and gemini (aliases too)", () => {
    expect(accountProfile("claude-code")).toEqual({ profile: "claude", provider: "anthropic" });
    expect(() => accountProfile("shell")).toThrow(/accounts exist for claude, codex, gemini/);
  });
});

test("an interactive job's task is one argv element, in each CLI's first-prompt form", () => {
  const task = "a; b $(c)\nd";
  expect(interactiveTaskArgs("claude", task)).toEqual([task]);
  expect(interactiveTaskArgs("gemini", task)).toEqual(["-i", task]);
  expect(interactiveTaskArgs("opencode", task)).toEqual(["--prompt", task]);
  expect(interactiveTaskArgs("shell", task)).toEqual(["-c", task]);
});
