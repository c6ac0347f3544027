/**
 * `remote attach <ref> --pipe`: attach without a terminal, for scripts. Input bytes go to
 * the session unchanged (no detach chord, no raw mode, no resize: the session keeps its
 * size); the session's live output from now on (no screen redraw) comes out unchanged.
 * At the end of input, once the host has taken every byte of it, we detach; if the
 * session ends first, the outcome is its exit, as for a terminal attach.
 */
import { RemoteError } from "../../domain/errors.ts";
import { FrameType, type ExitInfo } from "../../domain/host-protocol.ts";
import type { AppDeps } from "../deps.ts";
import type { AttachOutcome } from "./attach-terminal.ts";
import { liveSocket, sessionFor, type SessionListing } from "./find.ts";
import { requestHost } from "./host-request.ts";

export type PipeIo = {
  readonly input: ReadableStream<Uint8Array>;
  readonly output: (data: Uint8Array) => void;
};

export async function attachPipe(deps: Pick<AppDeps, "store" | "process" | "connector" | "random" | "env">, ref: string | SessionListing, io: PipeIo): Promise<AttachOutcome> {
  const session = sessionFor(deps, ref);
  const socketPath = liveSocket(session);
  if (deps.env.REMOTE_SESSION_ID === session.id) {
    throw new RemoteError("ATTACH_SELF", `Cannot attach session '${session.name}' from inside itself`, "Pipe into it from another shell.", "usage");
  }
  // Stream from the current end: a screen redraw is for a person's terminal, not a pipe.
  const { offset } = await requestHost<{ offset: number }>(deps, socketPath, { op: "info" });
  let exit: ExitInfo | undefined;
  let answered: (() => void) | undefined;
  const conn = await deps.connector.connect(socketPath, (frame) => {
    if (frame.type === FrameType.output) io.output(frame.data);
    else if (frame.type === FrameType.exit) exit = frame.exit;
    else if (frame.type === FrameType.reply) answered?.();
  });
  conn.send({ type: FrameType.hello, hello: { v: 1, clientId: `pipe-${deps.random.id(12)}`, mode: "attach", fromOffset: offset, everyByte: true } });

  const reader = io.input.getReader();
  let seq = 0;
  const forward = async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.length > 0) conn.send({ type: FrameType.input, seq: ++seq, data: value });
    }
  };
  const closed = conn.closed.then(() => "closed" as const);
  const first = await Promise.race([forward().then(() => "eof" as const), closed]);
  let detached = false;
  if (first === "eof") {
    // The host reads a connection's frames in order: its answer means all our input reached the session.
    const taken = new Promise<void>((resolve) => (answered = resolve));
    conn.send({ type: FrameType.request, request: { op: "info" } });
    if ((await Promise.race([taken.then(() => "taken" as const), closed])) === "taken") {
      detached = true;
      conn.close();
    }
  } else {
    // The session ended while input was still coming: stop reading it, or we would wait for its end.
    await reader.cancel().catch(() => undefined);
  }
  await conn.closed;
  return exit ? { kind: "exited", ...exit } : detached ? { kind: "detached" } : { kind: "lost" };
}
