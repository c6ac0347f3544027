import type { BundleSpec } from "../../domain/credentials/bundle-spec.ts";
import { freshnessOf, type Freshness } from "../../domain/credentials/freshness.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";

/** SPEC §2: a status command gets 10 s. */
export const PREFLIGHT_TIMEOUT_MS = 10_000;

/** What the CLI's own status command says of its login; a spec without one is `unknown`. */
export async function checkFreshness(deps: Pick<AppDeps, "env" | "process" | "statusProbe">, spec: BundleSpec, timeoutMs = PREFLIGHT_TIMEOUT_MS): Promise<Freshness> {
  const status = spec.status;
  if (status === undefined) return { state: "unknown", detail: `${spec.name} has no status command` };
  const [name, ...args] = status as [string, ...string[]];
  const binary = deps.process.which(name, deps.env.PATH);
  const outcome = binary === undefined ? ({ kind: "not-found" } as const) : await deps.statusProbe.run([binary, ...args], { env: deps.env, timeoutMs });
  return freshnessOf(status, outcome);
}

/**
 * The preflight before credentials are sent: a stale login is refused (sending it would
 * start a session that cannot work); a check that could not run is a warning.
 */
export async function preflight(deps: Pick<AppDeps, "env" | "process" | "statusProbe" | "log">, spec: BundleSpec): Promise<void> {
  if (spec.status === undefined) return;
  const freshness = await checkFreshness(deps, spec);
  if (freshness.state === "unknown") deps.log.warn(`could not check the ${spec.name} login: ${freshness.detail}; sending the files as they are`);
  if (freshness.state === "stale") {
    throw new RemoteError(
      "CREDENTIALS_STALE",
      `Cannot send the ${spec.name} credentials: ${freshness.detail}`,
      `Log in again with \`${spec.login ?? spec.name}\`, skip this check with --no-preflight, or start without credentials with --no-auth.`,
      "unavailable",
    );
  }
}
