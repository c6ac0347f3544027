import { describe, expect, test } from "bun:test";
import { claudeProjectKey, idOfTranscript, isTranscriptOf, latestTranscript, transcriptDir } from "./locate.ts";
import { mergeSideFile } from "./bundle.ts";

describe("where conversations live (SPEC §2)", () => {
  test("claude's project key replaces every non-alphanumeric character", () => {
    expect(claudeProjectKey("/home/me/my_app.v2")).toBe("-home-me-my-app-v2");
    expect(transcriptDir("claude", "/w")).toBe(".claude/projects/-w");
  });
  test("a transcript is found by id per CLI", () => {
    expect(isTranscriptOf("claude", ".claude/projects/-w/abc.jsonl", "abc", "/w")).toBe(true);
    expect(isTranscriptOf("claude", ".claude/projects/-x/abc.jsonl", "abc", "/w")).toBe(false);
    expect(isTranscriptOf("codex", ".codex/sessions/2026/12/01/rollout-2026-12-01T08-00-00-0199aaaa-bbbb.jsonl", "0199aaaa-bbbb", "/w")).toBe(true);
    expect(isTranscriptOf("gemini", ".gemini/tmp/w/chats/session-2026-12-01T08-00-0199aaaa.jsonl", "0199aaaa-bbbb-cccc", "/w")).toBe(true);
  });
  test("ids come from the file name (claude) or the first line (codex, gemini)", () => {
    expect(idOfTranscript("claude", ".claude/projects/-w/abc.jsonl", "")).toBe("abc");
    expect(idOfTranscript("codex", "x", JSON.stringify({ type: "session_meta", payload: { id: "t1", cwd: "/w" } }))).toBe("t1");
    expect(idOfTranscript("gemini", "x", JSON.stringify({ sessionId: "g1" }))).toBe("g1");
  });
  test("the latest codex conversation is the newest whose first line names this cwd", () => {
    const line = (cwd: string) => JSON.stringify({ payload: { id: "i", cwd } });
    const files = [
      { path: ".codex/sessions/a/rollout-1-a.jsonl", mtimeMs: 1, firstLine: line("/w") },
      { path: ".codex/sessions/a/rollout-2-b.jsonl", mtimeMs: 3, firstLine: line("/elsewhere") },
      { path: ".codex/sessions/a/rollout-3-c.jsonl", mtimeMs: 2, firstLine: line("/w") },
    ];
    expect(latestTranscript("codex", files, "/w")?.path).toBe(".codex/sessions/a/rollout-3-c.jsonl");
  });
  test("side files merge: what is here wins, what is new is added", () => {
    expect(mergeSideFile(undefined, "{}")).toBe("{}");
    expect(mergeSideFile('{"projects":{"/a":"a"}}', '{"projects":{"/a":"z","/b":"b"}}')).toBe('{\n  "projects": {\n    "/a": "a",\n    "/b": "b"\n  }\n}\n');
    expect(mergeSideFile('{"projects":{"/a":"a"}}', '{"projects":{"/a":"a"}}')).toBeUndefined();
  });
});
