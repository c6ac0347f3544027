/**
 * `remote attach <id> --remote URL`: the person's terminal (same keys, detach chord and
 * resizes as a local attach) on a reconnecting WebSocket to the control plane.
 */
import { RemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { attachEndMessage, holdTerminal, type AttachOutcome } from "../sessions/attach-terminal.ts";
import { requireTerminal } from "../sessions/attach.ts";
import { createRemoteClient, type RemoteClient } from "./client.ts";
import type { RemoteTarget } from "./config.ts";
import { openRemoteAttach, type OpenSocket } from "./ws-attach.ts";

type Deps = Pick<AppDeps, "terminal" | "random" | "stderr" | "env">;

export type RemoteAttachCliOptions = {
  readonly readOnly?: boolean | undefined;
  /** Test seam: how WebSockets are opened. */
  readonly openSocket?: OpenSocket | undefined;
};

export const RECONNECTING = "\r\n[reconnecting...]\r\n";
export const RECONNECTED = "\r\n[reconnected]\r\n";

export async function attachRemoteSession(deps: Deps, target: RemoteTarget, ref: string, options: RemoteAttachCliOptions = {}): Promise<AttachOutcome> {
  const client: RemoteClient = createRemoteClient(target);
  // Resolve the ref once over HTTP: clean errors for a bad token or an unknown session, and an id that survives a rename.
  const session = await client.get(ref);
  if (deps.env.REMOTE_SESSION_ID === session.id) {
    throw new RemoteError("ATTACH_SELF", `Cannot attach session '${session.name}' from inside itself`, "Detach first (Ctrl+P Ctrl+Q), or attach from another terminal.", "usage");
  }
  if (session.state === "exited" || session.state === "failed" || session.state === "lost") {
    throw new RemoteError("SESSION_NOT_RUNNING", `Cannot attach session '${session.name}' on ${client.url}: it is ${session.state}`, "Start a new one with `remote run <profile> --remote URL`.", "conflict");
  }
  requireTerminal(deps, session.name);
  const term = deps.terminal;
  const attach = openRemoteAttach({
    client,
    token: target.token,
    ref: session.id,
    clientId: `watt-${deps.random.id(12)}`,
    size: term.size(),
    readOnly: options.readOnly,
    random: deps.random.random,
    openSocket: options.openSocket,
    onOutput: (data) => term.write(data),
    onStatus: (status) => deps.stderr(status === "reconnecting" ? RECONNECTING : RECONNECTED),
  });
  const release = holdTerminal(
    term,
    {
      input: (data) => attach.sendInput(data),
      detach: () => attach.detach(),
      resize: (size) => attach.resize(size.cols, size.rows),
    },
    { readOnly: options.readOnly },
  );
  let outcome: AttachOutcome;
  try {
    outcome = await attach.done;
  } finally {
    release();
  }
  deps.stderr(attachEndMessage(outcome, session.name, `remote attach ${session.name} --remote ${client.url}`));
  return outcome;
}
