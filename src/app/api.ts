/**
 * The package's programmatic API: what the CLI does, for scripts. Names follow the
 * seed API where they apply (resolveProfile, withResume, isCliProfile,
 * coerceCliProfileName, run, attach, ...).
 */
import type { AppDeps } from "./deps.ts";
import { attachSession, type AttachOptions as AttachSessionOptions, type AttachOutcome } from "./sessions/attach.ts";
import { listSessions, findSession, type SessionListing } from "./sessions/find.ts";
import { pruneSessions, renameSession, sendToSession, sessionText, stopSession } from "./sessions/manage.ts";
import { planRun, runSession, type RunOptions as RunSessionOptions, type RunResult } from "./sessions/run.ts";

export {
  CLI_PROFILES,
  coerceCliProfileName,
  continueCommand,
  headlessCommand,
  interactiveCommand,
  isCliProfile,
  resolveProfile,
  withResume,
  type CliProfile,
  type ProfileConfig,
} from "../domain/profiles.ts";
export { RemoteError } from "../domain/errors.ts";
export { definePlugin, type RemoteHooks, type RemotePlugin } from "../domain/hooks.ts";
export type { SessionRecord } from "../domain/session.ts";
export type { AttachOutcome, RunResult, SessionListing };

export type RunOptions = RunSessionOptions & { readonly deps?: AppDeps };
export type AttachOptions = AttachSessionOptions & { readonly session: string; readonly deps?: AppDeps };

/** Real adapters, loaded on demand so importing the API stays cheap. */
async function realDeps(deps?: AppDeps): Promise<AppDeps> {
  if (deps) return deps;
  const { createRealDeps } = await import("../wiring.ts");
  return createRealDeps();
}

/** Start a session (attached to this terminal unless `detach`). */
export async function run(options: RunOptions): Promise<RunResult> {
  return runSession(await realDeps(options.deps), options);
}
/** What `run` would spawn: {profile, command, args, cwd}. */
export async function plan(options: RunOptions) {
  return planRun(await realDeps(options.deps), options);
}
export async function attach(options: AttachOptions): Promise<AttachOutcome> {
  return attachSession(await realDeps(options.deps), options.session, options);
}
export async function list(deps?: AppDeps): Promise<SessionListing[]> {
  return listSessions(await realDeps(deps));
}
export async function get(ref: string, deps?: AppDeps): Promise<SessionListing> {
  return findSession(await realDeps(deps), ref);
}
export async function stop(ref: string, reason?: string, deps?: AppDeps) {
  return stopSession(await realDeps(deps), ref, reason);
}
export async function rename(ref: string, name: string, deps?: AppDeps) {
  return renameSession(await realDeps(deps), ref, name);
}
export async function send(ref: string, text: string, options: { enter?: boolean; deps?: AppDeps } = {}) {
  return sendToSession(await realDeps(options.deps), ref, text, options.enter ?? false);
}
export async function logs(ref: string, options: { lines?: number; deps?: AppDeps } = {}): Promise<string> {
  return (await sessionText(await realDeps(options.deps), ref, options.lines)).text;
}
export async function prune(deps?: AppDeps) {
  return pruneSessions(await realDeps(deps));
}
