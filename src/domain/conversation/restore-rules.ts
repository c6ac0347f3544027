/**
 * Restoring a conversation that came from the other side (SPEC §6), decided on its items
 * (a transcript's lines, an opencode export's messages), never on timestamps:
 * missing here -> write; identical -> skip; one a prefix of the other -> the longer wins;
 * diverged -> the policy: `block` (default: touch nothing, exit 1), `backup` (keep the
 * local one under a new id, then write the incoming one), `keep-local`.
 */
export const CONVERSATION_POLICIES = ["block", "backup", "keep-local"] as const;
export type ConversationPolicy = (typeof CONVERSATION_POLICIES)[number];

export type RestoreDecision =
  | { readonly action: "write"; readonly why: "missing" | "incoming-longer" }
  | { readonly action: "skip"; readonly why: "identical" | "local-longer" | "diverged-keep-local" }
  | { readonly action: "backup-then-write" }
  | { readonly action: "block" };

const isPrefix = (short: readonly string[], long: readonly string[]) => short.length <= long.length && short.every((item, index) => item === long[index]);

export function decideRestore(local: readonly string[] | undefined, incoming: readonly string[], policy: ConversationPolicy = "block"): RestoreDecision {
  if (local === undefined) return { action: "write", why: "missing" };
  if (local.length === incoming.length && isPrefix(local, incoming)) return { action: "skip", why: "identical" };
  if (isPrefix(local, incoming)) return { action: "write", why: "incoming-longer" };
  if (isPrefix(incoming, local)) return { action: "skip", why: "local-longer" };
  if (policy === "keep-local") return { action: "skip", why: "diverged-keep-local" };
  return policy === "backup" ? { action: "backup-then-write" } : { action: "block" };
}

/** A JSONL transcript's items: its lines (the CLIs only ever append to a transcript). */
export const transcriptItems = (text: string): string[] => text.split("\n").filter((line) => line !== "");

/** The backup of a diverged local conversation: every mention of its id (and of the id's first 8 characters in the file name, gemini's) becomes the new one. */
export function reidentify(file: { readonly path: string; readonly content: string }, id: string, newId: string): { path: string; content: string } {
  const slash = file.path.lastIndexOf("/");
  const [dir, name] = [file.path.slice(0, slash + 1), file.path.slice(slash + 1)];
  const renamed = name.includes(id) ? name.replaceAll(id, newId) : name.replaceAll(id.slice(0, 8), newId.slice(0, 8));
  return { path: dir + renamed, content: file.content.replaceAll(id, newId) };
}

/** A random UUID (v4 layout) from the injected random source: conversation ids of claude, codex and gemini are UUIDs. */
export function uuidFrom(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = "4";
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const h = hex.join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
