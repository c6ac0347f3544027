import type { OpencodeSessionsPort } from "../../domain/conversation/ports.ts";

/** opencode's sessions kept in memory per HOME (tests, --dry-run): export/import by the export's `info.id`. */
export function createMemoryOpencodeSessions(): OpencodeSessionsPort & { readonly sessions: Map<string, Map<string, string>> } {
  const sessions = new Map<string, Map<string, string>>();
  const of = (home: string) => sessions.get(home) ?? sessions.set(home, new Map()).get(home)!;
  return {
    sessions,
    latest: async ({ home }) => [...of(home).keys()].at(-1),
    exportSession: async (id, { home }) => of(home).get(id),
    deleteSession: async (id, { home }) => {
      of(home).delete(id);
    },
    // Like opencode's import: the session's messages are added to those it has (none removed).
    importSession: async (json, { home }) => {
      const incoming = JSON.parse(json) as { info: { id: string }; messages?: { info?: { id?: string } }[] };
      const id = incoming.info.id;
      const had = of(home).get(id);
      const kept = had === undefined ? [] : ((JSON.parse(had) as { messages?: { info?: { id?: string } }[] }).messages ?? []).filter((m) => !(incoming.messages ?? []).some((n) => n.info?.id === m.info?.id));
      const messages = [...kept, ...(incoming.messages ?? [])].sort((a, b) => String(a.info?.id).localeCompare(String(b.info?.id)));
      of(home).delete(id);
      of(home).set(id, JSON.stringify({ ...incoming, messages }));
    },
  };
}
