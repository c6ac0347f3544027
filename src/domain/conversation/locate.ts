import type { CliProfile } from "../profiles.ts";

/**
 * Where each CLI keeps one conversation (SPEC §2), as paths relative to HOME. Pure: the
 * adapter lists files; these rules say which belong to a conversation and which is latest.
 * Path/HOME parity (SPEC §6) keeps these relative paths valid on the other side.
 */
export const MIGRATABLE_PROFILES = ["claude", "codex", "gemini", "opencode"] as const satisfies readonly CliProfile[];
export type MigratableProfile = (typeof MIGRATABLE_PROFILES)[number];
export const isMigratable = (profile: string): profile is MigratableProfile => (MIGRATABLE_PROFILES as readonly string[]).includes(profile);

/** Claude's project folder: the absolute cwd with every non-alphanumeric character replaced by "-". */
export const claudeProjectKey = (cwd: string) => cwd.replace(/[^a-zA-Z0-9]/g, "-");

/** The HOME-relative folder to list for a profile's transcripts (opencode has none: it goes through export/import). */
export function transcriptDir(profile: Exclude<MigratableProfile, "opencode">, cwd: string): string {
  if (profile === "claude") return `.claude/projects/${claudeProjectKey(cwd)}`;
  if (profile === "codex") return ".codex/sessions";
  return ".gemini/tmp";
}

export type ListedFile = { readonly path: string; readonly mtimeMs: number };

const UUIDISH = /^[0-9a-zA-Z][0-9a-zA-Z_-]{3,}$/;
export const looksLikeConversationId = (id: string) => UUIDISH.test(id);

/** Is `path` (HOME-relative) the transcript of conversation `id`? */
export function isTranscriptOf(profile: Exclude<MigratableProfile, "opencode">, path: string, id: string, cwd: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (profile === "claude") return path === `${transcriptDir("claude", cwd)}/${id}.jsonl`;
  if (profile === "codex") return /^rollout-.*\.jsonl$/.test(name) && name.endsWith(`-${id}.jsonl`);
  return /\/chats\/session-.*\.jsonl?$/.test(path) && (name.includes(id) || name.replace(/\.jsonl?$/, "").endsWith(`-${id.slice(0, 8)}`));
}

/** A transcript file of this profile at all (not a side file). */
export function isTranscript(profile: Exclude<MigratableProfile, "opencode">, path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (profile === "claude") return name.endsWith(".jsonl") && path.split("/").length === 4;
  if (profile === "codex") return /^rollout-.*\.jsonl$/.test(name);
  return /\/chats\/session-.*\.jsonl?$/.test(path);
}

/** The id a transcript stands for: claude's file name; codex's first line `payload.id`; gemini's `sessionId`. */
export function idOfTranscript(profile: Exclude<MigratableProfile, "opencode">, path: string, firstLine: string): string | undefined {
  if (profile === "claude") return path.slice(path.lastIndexOf("/") + 1).replace(/\.jsonl$/, "");
  const parsed = parseLine(firstLine);
  if (profile === "codex") return stringAt(parsed, ["payload", "id"]);
  return stringAt(parsed, ["sessionId"]);
}

/** Codex keeps the cwd on the first line: a conversation belongs to a directory only if it says so. */
export const codexCwdOf = (firstLine: string) => stringAt(parseLine(firstLine), ["payload", "cwd"]);

/** The newest transcript that belongs to `cwd` (claude: its project folder; codex: payload.cwd; gemini: any). */
export function latestTranscript(profile: Exclude<MigratableProfile, "opencode">, files: readonly (ListedFile & { readonly firstLine: string })[], cwd: string): ListedFile | undefined {
  return files
    .filter((file) => isTranscript(profile, file.path) && (profile !== "codex" || codexCwdOf(file.firstLine) === cwd))
    .reduce<ListedFile | undefined>((best, file) => (best === undefined || file.mtimeMs > best.mtimeMs ? file : best), undefined);
}

/** Files that travel with a conversation without being it: gemini's map of project folders. */
export const sideFiles = (profile: MigratableProfile): readonly string[] => (profile === "gemini" ? [".gemini/projects.json"] : []);

const parseLine = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};
const stringAt = (value: unknown, keys: readonly string[]): string | undefined => {
  let at = value;
  for (const key of keys) at = typeof at === "object" && at !== null ? (at as Record<string, unknown>)[key] : undefined;
  return typeof at === "string" ? at : undefined;
};
