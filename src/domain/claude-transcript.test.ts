import { expect, test } from "bun:test";
import { renderClaudeTranscript } from "./claude-transcript.ts";

const jsonl = [
  { type: "summary", summary: "Fix the flaky test" },
  { type: "user", message: { role: "user", content: "fix the flaky test in auth.spec.ts" } },
  { type: "assistant", message: { role: "assistant", content: [{ type: "text", text: "Let me look at the test." }, { type: "tool_use", name: "Read", input: { file_path: "/repo/auth.spec.ts" } }] } },
  { type: "user", message: { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "…500 lines…" }] } },
  { type: "user", isMeta: true, message: { role: "user", content: "<command-name>/clear</command-name>" } },
  { type: "assistant", message: { role: "assistant", content: [{ type: "text", text: "Fixed: the test awaited a timer." }] } },
]
  .map((e) => JSON.stringify(e))
  .join("\n");

test("a Claude Code transcript reads as the conversation, tools named, their output and meta lines left out", () => {
  expect(renderClaudeTranscript(`${jsonl}\n{"type":"assistant","mess`)).toBe(
    ["> fix the flaky test in auth.spec.ts", "", "Let me look at the test.", '[tool Read] {"file_path":"/repo/auth.spec.ts"}', "", "Fixed: the test awaited a timer.", ""].join("\n"),
  );
});

test("nothing it understands: empty text", () => {
  expect(renderClaudeTranscript("not json\n\n{}\n")).toBe("");
});
