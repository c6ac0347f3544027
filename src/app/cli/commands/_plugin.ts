import type { AppDeps } from "../../deps.ts";
import type { SyncReport } from "../../plugins/sync.ts";

/** One line per session a sync changed or could not reach (stderr); true when every session converged. */
export function printSyncRecap(deps: Pick<AppDeps, "stderr">, report: SyncReport): boolean {
  for (const s of report.sessions) {
    if (s.error !== undefined) deps.stderr(`${s.session}: failed: ${s.error}\n`);
    else if (s.changes.length > 0) deps.stderr(`${s.session}: ${s.changes.join(", ")}\n`);
  }
  return report.sessions.every((s) => s.error === undefined);
}

export const announceTo = (deps: Pick<AppDeps, "stderr">) => (line: string) => deps.stderr(`${line}\n`);
