import { describe, expect, test } from "bun:test";
import { decideRestore, reidentify, transcriptItems, uuidFrom } from "./restore-rules.ts";

describe("decideRestore", () => {
  const a = ["1", "2"];
  test("missing here -> write", () => expect(decideRestore(undefined, a)).toEqual({ action: "write", why: "missing" }));
  test("identical -> skip", () => expect(decideRestore(["1", "2"], a)).toEqual({ action: "skip", why: "identical" }));
  test("incoming extends local -> write the longer", () => expect(decideRestore(["1"], a)).toEqual({ action: "write", why: "incoming-longer" }));
  test("local extends incoming -> keep the longer", () => expect(decideRestore([...a, "3"], a)).toEqual({ action: "skip", why: "local-longer" }));
  test("diverged: block by default, backup, keep-local", () => {
    expect(decideRestore(["1", "x"], a)).toEqual({ action: "block" });
    expect(decideRestore(["1", "x"], a, "backup")).toEqual({ action: "backup-then-write" });
    expect(decideRestore(["1", "x"], a, "keep-local")).toEqual({ action: "skip", why: "diverged-keep-local" });
  });
});

test("transcriptItems are the non-empty lines", () => expect(transcriptItems('{"a":1}\n{"b":2}\n')).toEqual(['{"a":1}', '{"b":2}']));

test("reidentify renames the file and every mention of the id", () => {
  expect(reidentify({ path: ".claude/projects/-w/abc-123.jsonl", content: '{"sessionId":"abc-123"}\n' }, "abc-123", "new-999")).toEqual({ path: ".claude/projects/-w/new-999.jsonl", content: '{"sessionId":"new-999"}\n' });
  // gemini names the file by the first 8 characters of the id
  expect(reidentify({ path: ".gemini/tmp/p/chats/session-2026-01-01T10-00-0123abcd.jsonl", content: "0123abcd-ffff" }, "0123abcd-ffff", "99998888-eeee").path).toBe(".gemini/tmp/p/chats/session-2026-01-01T10-00-99998888.jsonl");
});

test("uuidFrom gives a v4-shaped uuid from the injected source", () => {
  let n = 0;
  expect(uuidFrom(() => ((n += 7) % 16) / 16)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
