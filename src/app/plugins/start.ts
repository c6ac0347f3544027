/**
 * Converge on session start (SPEC §7): a session started after `plugin add` has its
 * plugins and MCP servers before its agent reads its config. Called only when the desired
 * manifest exists (run.ts checks with one stat). A failure is logged and the session
 * starts anyway: a broken plugin must not keep a person from their agent.
 */
import { errorMessage } from "../../domain/errors.ts";
import { APPLIED_SHA256, PLUGIN_BIN_DIR } from "../../domain/plugins/home-layout.ts";
import type { PluginPlace } from "../../domain/plugins/home-port.ts";
import type { AppDeps } from "../deps.ts";
import { readDesired } from "./desired.ts";
import { convergeHome } from "./reconcile.ts";

type StartDeps = Pick<AppDeps, "config" | "npm" | "pluginHome" | "log">;

/** The desired manifest's sha256 when it has plugins (what a container waits for), else undefined. */
export function desiredAtStart(deps: Pick<AppDeps, "config">): string | undefined {
  const desired = readDesired(deps);
  return desired.manifest.plugins.length > 0 ? desired.sha256 : undefined;
}

export async function convergeAtStart(deps: StartDeps, place: PluginPlace, session: string): Promise<void> {
  const desired = readDesired(deps);
  const home = deps.pluginHome(place);
  try {
    const { changes } = await convergeHome(deps, home, session, desired, (line) => deps.log.info(line));
    if (changes.length > 0) deps.log.info(`plugins for ${session}: ${changes.join(", ")}`);
  } catch (error) {
    deps.log.warn(`session ${session} starts without all its plugins: ${errorMessage(error)} (\`remote plugin sync --check\` shows what is missing)`);
    // A container waits for this file before starting its agent: let it go now rather than at its deadline.
    if (place.kind === "target") await home.write(APPLIED_SHA256, `${desired.sha256}\n`, 0o644).catch(() => {});
  }
}

/** The session's PATH with its plugins' bins first. */
export const pathWithPluginBins = (home: string, path: string | undefined) => `${home}/${PLUGIN_BIN_DIR}${path ? `:${path}` : ""}`;
