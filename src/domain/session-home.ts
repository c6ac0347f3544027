import { sessionDirFor, type RemotePaths } from "./config.ts";

/** A session started with credentials runs with a HOME of its own, in its private session dir. */
export const sessionHomeFor = (paths: RemotePaths, sessionId: string) => `${sessionDirFor(paths, sessionId)}/home`;

/**
 * Variables that send an agent CLI somewhere other than HOME for its credentials and
 * state (claude, codex; opencode and gh read the XDG dirs). With a HOME of its own the
 * session must read the files given to it, not the server's: so these are dropped.
 */
const HOME_OVERRIDES = ["CLAUDE_CONFIG_DIR", "CODEX_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"];

/**
 * The environment of a session with its own HOME. REMOTE_HOME is pinned because the
 * session host itself would otherwise look for our data under the new HOME.
 */
export function envWithOwnHome(env: Readonly<Record<string, string>>, home: string, remoteHome: string): Record<string, string> {
  const result: Record<string, string> = { ...env, HOME: home, REMOTE_HOME: remoteHome };
  for (const key of HOME_OVERRIDES) delete result[key];
  return result;
}
