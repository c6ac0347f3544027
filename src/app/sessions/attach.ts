import { RemoteError } from "../../domain/errors.ts";
import { FrameType, type ExitInfo, type Frame } from "../../domain/host-protocol.ts";
import type { AppDeps } from "../deps.ts";
import { attachEndMessage, holdTerminal, type AttachOutcome } from "./attach-terminal.ts";
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
  const term = deps.terminal;
  let exit: ExitInfo | undefined;

  const onFrame = (frame: Frame) => {
    if (frame.type === FrameType.snapshot || frame.type === FrameType.output || frame.type === FrameType.notice) term.write(frame.data);
    else if (frame.type === FrameType.exit) exit = frame.exit;
  };
  const conn = await deps.connector.connect(socketPath, onFrame);
  const size = term.size();
  conn.send({
    type: FrameType.hello,
    hello: { v: 1, clientId: `att-${deps.random.id(12)}`, mode: "attach", cols: size.cols, rows: size.rows, readOnly: options.readOnly },
  });

  let seq = 0;
  let detached = false;
  const release = holdTerminal(
    term,
    {
      input: (data) => conn.send({ type: FrameType.input, seq: ++seq, data }),
      detach: () => {
        detached = true;
        conn.close();
      },
      resize: (now) => conn.send({ type: FrameType.resize, cols: now.cols, rows: now.rows }),
    },
    { readOnly: options.readOnly },
  );
  try {
    await conn.closed;
  } finally {
    release();
  }
  const outcome: AttachOutcome = detached ? { kind: "detached" } : exit ? { kind: "exited", ...exit } : { kind: "lost" };
  // A container's host records its end in the container's own store: here, whoever saw the end first writes it down.
  if (exit && session.target !== undefined) await (await import("../targets/container-sessions.ts")).recordContainerExit(deps, session.id, exit);
  deps.stderr(attachEndMessage(outcome, session.name, `remote attach ${session.name}`));
  return outcome;
}
