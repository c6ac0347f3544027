import { attachByName } from "../sessions/attach-by-name.ts";
import { exitCodeOf } from "./commands/_shared.ts";

/**
 * `remote attach <ref>` as a person types it most (no flags), before the CLI table is loaded:
 * the host server attaches it by name (attach-by-name.ts), and the screen comes without the
 * command table, its checks and the command's own modules in front of it (~1-2 ms). The exit code;
 * undefined for any other command line or an attach the server did not take: the CLI then runs
 * the command the usual way (and says why when there is nothing to attach).
 */
export async function quickAttach(args: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<number | undefined> {
  const [command, ref] = args;
  if (args.length !== 2 || command !== "attach" || ref === undefined || ref.startsWith("-")) return undefined;
  const { createRealDeps } = await import("../../wiring.ts");
  let deps;
  try {
    deps = createRealDeps(env);
  } catch {
    // A config that does not load: the CLI says so in its words.
    return undefined;
  }
  const outcome = await attachByName(deps, ref, {});
  return outcome && exitCodeOf(outcome);
}
