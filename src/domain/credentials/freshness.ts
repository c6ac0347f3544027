/**
 * The freshness preflight: what a CLI's own status command (`claude auth status`,
 * `codex login status`) said, as a verdict. Only the exit code and claude's `loggedIn`
 * are read; the output (an e-mail, an org) is never shown.
 */
export type ProbeOutcome =
  | { readonly kind: "exited"; readonly exitCode: number; readonly stdout: string }
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  | { readonly kind: "not-found" };

export type Freshness =
  | { readonly state: "fresh" }
  | { readonly state: "stale"; readonly detail: string }
  | { readonly state: "unknown"; readonly detail: string };

/** claude prints JSON with `loggedIn`; a false there is stale even if some version exits 0. */
const saysLoggedOut = (stdout: string): boolean => {
  try {
    const parsed: unknown = JSON.parse(stdout);
    return typeof parsed === "object" && parsed !== null && (parsed as { loggedIn?: unknown }).loggedIn === false;
  } catch {
    return false;
  }
};

export function freshnessOf(command: readonly string[], outcome: ProbeOutcome): Freshness {
  const shown = command.join(" ");
  if (outcome.kind === "not-found") return { state: "unknown", detail: `'${command[0]}' is not on PATH, so \`${shown}\` could not run` };
  if (outcome.kind === "timeout") return { state: "unknown", detail: `\`${shown}\` gave no answer within ${Math.round(outcome.timeoutMs / 1000)} s` };
  if (outcome.exitCode !== 0) return { state: "stale", detail: `\`${shown}\` exited ${outcome.exitCode}: not logged in, or the login expired` };
  if (saysLoggedOut(outcome.stdout)) return { state: "stale", detail: `\`${shown}\` reports loggedIn: false` };
  return { state: "fresh" };
}
