import { RemoteError } from "../../domain/errors.ts";
import { FrameType } from "../../domain/host-protocol.ts";
import type { AppDeps } from "../deps.ts";
import { attachOver, type Attached, type AttachWay } from "./attach-connection.ts";
import { attachEndMessage, type AttachOutcome } from "./attach-terminal.ts";
import { liveSocket, type SessionListing } from "./find.ts";
import { findFreshSession } from "./fresh-session.ts";

export { TERMINAL_RESTORE, type AttachOutcome } from "./attach-terminal.ts";

export type AttachOptions = { readonly readOnly?: boolean };

/**
 * A terminal attach needs a terminal: without one, keys cannot be read raw and nothing
 * ever ends it (it used to hang). Scripts use `--pipe`; `run` without one uses `--detach`.
 */
export function requireTerminal(deps: Pick<AppDeps, "terminal">, name: string | undefined): void {
  if (deps.terminal.isTTY) return;
  const script = `\`printf 'ls\\r' | remote attach ${name ?? "<name>"} --pipe\` (input forwarded, output on stdout, detaches at the end of input)`;
  if (name === undefined) {
    throw new RemoteError("NOT_A_TERMINAL", "Cannot start an attached session: stdin or stdout is not a terminal", `Add --detach, then drive it with ${script}.`, "usage");
  }
  throw new RemoteError("NOT_A_TERMINAL", `Cannot attach session '${name}': stdin or stdout is not a terminal`, `For a script: ${script}; to watch it: \`remote logs ${name} --follow\`.`, "usage");
}

export async function attachSession(deps: AppDeps, ref: string | SessionListing, options: AttachOptions = {}): Promise<AttachOutcome> {
  const session = await findFreshSession(deps, ref);
  const socketPath = liveSocket(session);
  if (deps.env.REMOTE_SESSION_ID === session.id) {
    throw new RemoteError("ATTACH_SELF", `Cannot attach session '${session.name}' from inside itself`, "Detach first (Ctrl+P Ctrl+Q), or attach from another terminal.", "usage");
  }
  requireTerminal(deps, session.name);
  // Only a host on this machine can open our terminal (a container's has other devices).
  const identity = typeof socketPath === "string" ? deps.terminal.identity?.() : undefined;
  const way: AttachWay = {
    connect: (onFrame, greeting) => deps.connector.connect(socketPath, onFrame, greeting),
    greet: (hello) => [{ type: FrameType.hello, hello }],
    identity,
    mustBeWelcomed: false,
  };
  // Never undefined here: only a way that must be welcomed can be turned down.
  const { outcome, exit } = (await attachOver(deps, way, options)) as Attached;
  // A container's host records its end in the container's own store: here, whoever saw the end first writes it down.
  if (exit && session.target !== undefined) await (await import("../targets/container-sessions.ts")).recordContainerExit(deps, session.id, exit);
  deps.stderr(attachEndMessage(outcome, session.name, `remote attach ${session.name}`));
  return outcome;
}
