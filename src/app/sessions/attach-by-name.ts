import { hostServerSocketFor } from "../../domain/config.ts";
import { FrameType } from "../../domain/host-protocol.ts";
import { pathExists } from "../../shared/quick-fs.ts";
import type { AppDeps } from "../deps.ts";
import { attachOver } from "./attach-connection.ts";
import { attachEndMessage, type AttachOutcome } from "./attach-terminal.ts";

/**
 * `remote attach <ref>` in one round trip, as a tmux client attaches: one connection to this
 * machine's host server, which resolves the ref as the usual way would and hands the connection
 * to the session it names (AttachRequest); its welcome and screen answer. No records are fetched
 * and no session socket is looked up first. Undefined when this way does not apply or the server
 * did not take it: then the usual way (attach.ts), which also says why when there is nothing to attach.
 */
export async function attachByName(deps: Pick<AppDeps, "config" | "env" | "terminal" | "random" | "connector" | "stderr">, ref: string, options: { readonly readOnly?: boolean }): Promise<AttachOutcome | undefined> {
  // From inside a session (attaching itself is refused the usual way), a control plane's `<remote>:<ref>`, no terminal: the usual way.
  if (deps.env.REMOTE_SESSION_ID !== undefined || ref.includes(":")) return undefined;
  const control = hostServerSocketFor(deps.config.paths);
  if (!pathExists(control) || !deps.terminal.isTTY) return undefined;
  const attached = await attachOver(
    deps,
    {
      connect: (onFrame, greeting) => deps.connector.connect(control, onFrame, greeting),
      // The records request behind it is answered only when the attach is not taken (by a server before AttachRequest too).
      greet: (hello) => [
        { type: FrameType.request, request: { op: "attach", ref, hello } },
        { type: FrameType.request, request: { op: "records" } },
      ],
      identity: deps.terminal.identity?.(),
      mustBeWelcomed: true,
    },
    options,
  );
  if (!attached) return undefined;
  const name = attached.welcome?.name ?? ref;
  deps.stderr(attachEndMessage(attached.outcome, name, `remote attach ${name}`));
  return attached.outcome;
}
