/**
 * A terminal attach over a connection to a session host, however it was reached (the session's
 * own socket, or the host server's control socket by name, attach-by-name.ts): raw mode, the
 * hello, the welcome, the frames for the terminal, the terminal held until the attach ends.
 */
import { FrameType, type ExitInfo, type Frame, type Hello, type TerminalIdentity, type Welcome } from "../../domain/host-protocol.ts";
import type { HostConnection } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";
import { holdTerminal, type AttachOutcome } from "./attach-terminal.ts";

export type AttachWay = {
  /** Connects with `greeting` sent first (HostConnectorPort.connect); every frame from the host goes to `onFrame`. */
  readonly connect: (onFrame: (frame: Frame) => void, greeting: readonly Frame[]) => Promise<HostConnection>;
  /** The first frames sent: the hello, and what rides with it. */
  readonly greet: (hello: Hello) => readonly Frame[];
  /**
   * Offered to the host (Hello.terminal): only one on this machine can open it. The terminal is
   * raw before the hello goes: a host that takes it writes the screen at once.
   */
  readonly identity: TerminalIdentity | undefined;
  /**
   * Taken only once welcomed: a connection refused, a reply before the welcome, or the end of the
   * connection says the host did not take it (undefined is returned, the terminal as it was).
   * Otherwise a host that does not take the terminal is not waited for.
   */
  readonly mustBeWelcomed: boolean;
};

export type Attached = { readonly outcome: AttachOutcome; readonly exit: ExitInfo | undefined; readonly welcome: Welcome | undefined };

export async function attachOver(deps: Pick<AppDeps, "terminal" | "random">, way: AttachWay, options: { readonly readOnly?: boolean | undefined }): Promise<Attached | undefined> {
  const term = deps.terminal;
  const { identity } = way;
  let exit: ExitInfo | undefined;
  let detached = false;
  let welcome: Welcome | undefined;
  const answered = Promise.withResolvers<boolean>();
  /** Terminal frames written while the host writes our terminal itself: it resumes once we wrote all it relayed. */
  let written = 0;
  let telling = false;

  const onFrame = (frame: Frame) => {
    if (frame.type === FrameType.snapshot || frame.type === FrameType.output || frame.type === FrameType.notice) {
      term.write(frame.data);
      if (welcome?.terminal === true) tellWritten();
    } else if (frame.type === FrameType.welcome) {
      welcome = frame.welcome;
      answered.resolve(true);
    } else if (frame.type === FrameType.reply) answered.resolve(false);
    else if (frame.type === FrameType.exit) exit = frame.exit;
    else if (frame.type === FrameType.detached) detached = true;
  };
  const size = term.size();
  // No secret, only told apart from the session's other clients: not worth the CSPRNG's first use (~0.15 ms) on the way to the screen.
  const clientId = `att-${deps.random.random().toString(36).slice(2, 14)}`;
  const hello: Hello = { v: 1, clientId, mode: "attach", cols: size.cols, rows: size.rows, readOnly: options.readOnly, terminal: identity };
  // Raw before the hello goes: a host that takes the terminal writes the screen at once.
  if (identity) term.setRaw(true);
  let conn: HostConnection;
  try {
    conn = await way.connect(onFrame, way.greet(hello));
  } catch (error) {
    if (identity) term.setRaw(false);
    if (way.mustBeWelcomed) return undefined;
    throw error;
  }
  void conn.closed.then(() => answered.resolve(false));
  // A host that takes the terminal says so in its welcome: until then the keys are not ours to read.
  const welcomed = identity || way.mustBeWelcomed ? await answered.promise : true;
  if (!welcomed && way.mustBeWelcomed) {
    if (identity) term.setRaw(false);
    conn.close();
    return undefined;
  }
  const hostHasTerminal = welcome?.terminal === true;
  // One `written` per batch of frames (one socket read), not one per frame.
  function tellWritten() {
    written++;
    if (telling) return;
    telling = true;
    queueMicrotask(() => {
      telling = false;
      conn.send({ type: FrameType.written, frames: written });
    });
  }

  let seq = 0;
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
    // The host reads the keys (and the detach chord) when it took the terminal.
    { readOnly: options.readOnly, keys: !hostHasTerminal },
  );
  try {
    await conn.closed;
  } finally {
    release();
  }
  const outcome: AttachOutcome = detached ? { kind: "detached" } : exit ? { kind: "exited", ...exit } : { kind: "lost" };
  return { outcome, exit, welcome };
}
