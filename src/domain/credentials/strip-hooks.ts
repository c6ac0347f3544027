/**
 * Claude's settings.json without `hooks`: they run commands (ours, the person's) that do
 * not exist where the session runs, and a failing SessionStart hook spoils every start.
 * Everything else is kept as it was; the text is re-serialised with two-space indent.
 */
export type StripOutcome = { readonly ok: true; readonly content: Uint8Array } | { readonly ok: false; readonly reason: string };

export function stripClaudeHooks(content: Uint8Array): StripOutcome {
  let settings: unknown;
  try {
    settings = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(content));
  } catch {
    // Never the parser's message: it can quote the file's text.
    return { ok: false, reason: "it is not valid JSON" };
  }
  if (typeof settings !== "object" || settings === null || Array.isArray(settings)) return { ok: false, reason: "it is not a JSON object" };
  if (!Object.hasOwn(settings, "hooks")) return { ok: true, content };
  const { hooks: _dropped, ...rest } = settings as Record<string, unknown>;
  return { ok: true, content: new TextEncoder().encode(`${JSON.stringify(rest, null, 2)}\n`) };
}
