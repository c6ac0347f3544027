/**
 * A Claude Code transcript (the JSONL file its hooks name in `transcript_path`) as plain
 * text, for `remote logs` of a hook-enrolled session: what the person typed and what
 * Claude answered, tool calls named in one line. Lines it does not understand are skipped.
 */
type Block = { type?: string; text?: string; name?: string; input?: unknown; content?: unknown };
type Entry = { type?: string; isMeta?: boolean; message?: { role?: string; content?: string | Block[] } };

const oneLine = (value: unknown, max = 120) => {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? "";
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

function renderEntry(entry: Entry): string[] {
  if (entry.isMeta || (entry.type !== "user" && entry.type !== "assistant") || !entry.message) return [];
  const { content } = entry.message;
  const user = entry.type === "user";
  if (typeof content === "string") return user ? [`> ${content}`] : [content];
  if (!Array.isArray(content)) return [];
  const out: string[] = [];
  for (const block of content) {
    if (block.type === "text" && typeof block.text === "string") out.push(user ? `> ${block.text}` : block.text);
    else if (block.type === "tool_use") out.push(`[tool ${block.name ?? "?"}] ${oneLine(block.input)}`);
    // tool_result blocks (in "user" entries) are the tools' output: too long for a log, left out.
  }
  return out;
}

export function renderClaudeTranscript(jsonl: string): string {
  const lines: string[] = [];
  for (const raw of jsonl.split("\n")) {
    if (raw.trim() === "") continue;
    let entry: Entry;
    try {
      entry = JSON.parse(raw) as Entry;
    } catch {
      continue; // a line being written right now
    }
    const rendered = renderEntry(entry);
    if (rendered.length > 0) lines.push(...rendered, "");
  }
  return lines.join("\n");
}
