import { DETACH_CHORD_WAIT_MS, feedDetachKeys, flushDetachKeys, initialDetachState } from "../../domain/detach-keys.ts";
import { RemoteError } from "../../domain/errors.ts";
import { FrameType, type ExitInfo, type Frame } from "../../domain/host-protocol.ts";
import type { AppDeps } from "../deps.ts";
import { findSession, liveSocket } from "./find.ts";

export type AttachOutcome =
  | { readonly kind: "detached" }
  | { readonly kind: "exited"; readonly exitCode: number | null; readonly signal: string | null }
  | { readonly kind: "lost" };

/** Undo modes a session may have left on in the person's terminal (alt screen, mouse, paste, keypad). */
export const TERMINAL_RESTORE = "\x1b[?1049l\x1b[?25h\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?2004l\x1b[?1l\x1b>\x1b[0m";

export type AttachOptions = { readonly readOnly?: boolean };

export async function attachSession(deps: AppDeps, ref: string, options: AttachOptions = {}): Promise<AttachOutcome> {
  const session = findSession(deps, ref);
  const socketPath = liveSocket(session);
  if (deps.env.REMOTE_SESSION_ID === session.id) {
    throw new RemoteError("ATTACH_SELF", `Cannot attach session '${session.name}' from inside itself`, "Detach first (Ctrl+P Ctrl+Q), or attach from another terminal.", "usage");
  }
  const term = deps.terminal;
  let exit: ExitInfo | undefined;

  const onFrame = (frame: Frame) => {
    if (frame.type === FrameType.snapshot || frame.type === FrameType.output) term.write(frame.data);
    else if (frame.type === FrameType.exit) exit = frame.exit;
  };
  const conn = await deps.connector.connect(socketPath, onFrame);
  const size = term.size();
  conn.send({
    type: FrameType.hello,
    hello: { v: 1, clientId: `att-${deps.random.id(12)}`, mode: "attach", cols: size.cols, rows: size.rows, readOnly: options.readOnly },
  });

  let seq = 0;
  const sendInput = (data: Uint8Array) => {
    if (data.length > 0 && !options.readOnly) conn.send({ type: FrameType.input, seq: ++seq, data });
  };
  let detachState = initialDetachState;
  let chordTimer: ReturnType<typeof setTimeout> | undefined;
  let detached = false;

  const offInput = term.onInput((data) => {
    clearTimeout(chordTimer);
    const step = feedDetachKeys(detachState, data);
    detachState = step.state;
    sendInput(step.forward);
    if (step.detach) {
      detached = true;
      conn.close();
      return;
    }
    // A lone Ctrl+P is forwarded if its Ctrl+Q does not follow soon.
    if (detachState.pending) {
      chordTimer = setTimeout(() => {
        const flushed = flushDetachKeys(detachState);
        detachState = flushed.state;
        sendInput(flushed.forward);
      }, DETACH_CHORD_WAIT_MS);
    }
  });
  const offResize = term.onResize(() => {
    const now = term.size();
    if (!options.readOnly) conn.send({ type: FrameType.resize, cols: now.cols, rows: now.rows });
  });

  term.setRaw(true);
  try {
    await conn.closed;
  } finally {
    clearTimeout(chordTimer);
    offInput();
    offResize();
    term.setRaw(false);
  }
  if (term.isTTY) term.write(TERMINAL_RESTORE);
  if (detached) {
    deps.stderr(`\r\n[detached from ${session.name}: re-attach with \`remote attach ${session.name}\`]\r\n`);
    return { kind: "detached" };
  }
  if (exit) {
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
    deps.stderr(`\r\n[session ${session.name} ${how}]\r\n`);
    return { kind: "exited", ...exit };
  }
  deps.stderr(`\r\n[lost connection to session ${session.name}; it may still be running: \`remote ls\`]\r\n`);
  return { kind: "lost" };
}

