import type { OpencodeSessionsPort } from "../../domain/conversation/ports.ts";

/** opencode's sessions kept in memory per HOME (tests, --dry-run): export/import by the export's `info.id`. */
export function createMemoryOpencodeSessions(): OpencodeSessionsPort & { readonly sessions: Map<string, Map<string, string>> } {
  const sessions = new Map<string, Map<string, string>>();
  const of = (home: string) => sessions.get(home) ?? sessions.set(home, new Map()).get(home)!;
  return {
    sessions,
    latest: async ({ home }) => [...of(home).keys()].at(-1),
    exportSession: async (id, { home }) => of(home).get(id),
    importSession: async (json, { home }) => {
      const id = (JSON.parse(json) as { info: { id: string } }).info.id;
      of(home).delete(id);
      of(home).set(id, json);
    },
  };
}
