/**
 * The interface between pull (this branch) and the 3-way merge (helper `migrate`,
 * src/domain/workspace/merge*.ts): a planner sees three manifests and returns actions;
 * the pull use case applies them (all checks first, then the writes) and records the
 * new base only when no action is a conflict.
 *
 * `planSafePull` is the planner until the merge lands: it takes a side only when the
 * other did not change since the base, and calls everything else a conflict, so a pull
 * never overwrites a local change silently.
 */
import { sameEntry, type Entry, type Manifest } from "./entry.ts";

export type PullInput = {
  /** The last state pushed or cleanly pulled (`.remote/base.json`); empty on a first pull. */
  readonly base: Manifest;
  /** This directory now (ignore rules applied). */
  readonly local: Manifest;
  /** The workspace on the control plane now. */
  readonly remote: Manifest;
};

export type PullAction =
  /** Materialise the remote entry at `path` (a file's bytes come with the pull's archive). */
  | { readonly kind: "write"; readonly path: string; readonly entry: Entry }
  /** Remove the local `path`: the remote deleted it and the base proves it existed. */
  | { readonly kind: "delete"; readonly path: string }
  /** Keep the local copy as `backupPath`, then write the remote entry (binary conflict policy). */
  | { readonly kind: "backup"; readonly path: string; readonly backupPath: string; readonly entry: Entry }
  /** Both sides changed `path`: nothing is written for it, the pull exits non-zero and the base stays. */
  | { readonly kind: "conflict"; readonly path: string; readonly reason: string };

export type PlanPull = (input: PullInput) => readonly PullAction[];

export const planSafePull: PlanPull = ({ base, local, remote }) => {
  const actions: PullAction[] = [];
  const paths = new Set([...Object.keys(local), ...Object.keys(remote), ...Object.keys(base)]);
  for (const path of [...paths].sort()) {
    const here = local[path];
    const there = remote[path];
    const was = base[path];
    if (sameEntry(here, there)) continue;
    if (sameEntry(here, was)) actions.push(there === undefined ? { kind: "delete", path } : { kind: "write", path, entry: there });
    else if (sameEntry(there, was)) continue;
    else actions.push({ kind: "conflict", path, reason: describeConflict(here, there, was) });
  }
  return actions;
};

const describeConflict = (here: Entry | undefined, there: Entry | undefined, was: Entry | undefined): string => {
  if (here === undefined) return "deleted here, changed on the remote";
  if (there === undefined) return "changed here, deleted on the remote";
  if (was === undefined) return "added on both sides with different contents";
  return "changed on both sides";
};

export const conflictsOf = (actions: readonly PullAction[]) => actions.filter((a): a is Extract<PullAction, { kind: "conflict" }> => a.kind === "conflict");

/** The remote entries a plan needs bytes for (files written, directly or after a backup). */
export const pathsToFetch = (actions: readonly PullAction[]): string[] =>
  actions.flatMap((a) => ((a.kind === "write" || a.kind === "backup") && a.entry.type === "file" ? [a.path] : []));
