import { RemoteError } from "../../domain/errors.ts";
import { MIGRATION_STATE, MigrationStateSchema, type MigrationState } from "../../domain/migrate/migration.ts";
import type { AppDeps } from "../deps.ts";

type Deps = Pick<AppDeps, "workspace">;

/** `.remote/migration.json` of this folder: the steps of the migration under way. */
export function readMigration(deps: Deps, root: string): MigrationState | undefined {
  const raw = deps.workspace().tree.readState(root, MIGRATION_STATE);
  if (raw === undefined) return undefined;
  const parsed = MigrationStateSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RemoteError("MIGRATION_STATE_CORRUPT", `Cannot read '${root}/.remote/${MIGRATION_STATE}': ${parsed.error.issues[0]?.message}`, `Move it aside to start over: mv '${root}/.remote/${MIGRATION_STATE}' '${root}/.remote/${MIGRATION_STATE}.broken'.`, "corrupt");
  }
  return parsed.data;
}

export const writeMigration = (deps: Deps, root: string, state: MigrationState): MigrationState => {
  deps.workspace().tree.writeState(root, MIGRATION_STATE, state);
  return state;
};
