/// <reference lib="dom" />
/**
 * The page's end of an attach: one host-protocol frame per binary WebSocket message, the
 * token offered as the subprotocol `bearer.<token>` (a browser cannot set headers on a
 * WebSocket), and the reconnect rules `remote attach --remote` follows: after a drop, ask
 * for the stream from the offset after the last byte received and re-send only the
 * inputs the host has not applied (welcome.lastSeq), so nothing is lost or typed twice.
 */
import { createFrameDecoder, encodeFrame, FrameType, type ExitInfo, type Frame, type Welcome } from "../../../domain/host-protocol.ts";
import { acceptOutput, decideAfterDrop, inputsToResend, reconnectDelayMs, trimPending, type PendingInput, type SessionProbe } from "../../../domain/reconnect.ts";

/** The subprotocol the server answers with; `bearer.<token>` is offered beside it. */
export const WS_PROTOCOL = "remote.v1";
/** Inputs kept until a welcome says they were applied; the oldest go beyond this. */
const MAX_PENDING_BYTES = 1024 * 1024;

export type LinkEvent =
  | { readonly kind: "attached"; readonly welcome: Welcome; readonly reconnected: boolean }
  | { readonly kind: "reconnecting"; readonly inMs: number }
  | { readonly kind: "exited"; readonly exit: ExitInfo }
  /** Given up for good: the session is lost, the token was refused, or the upgrade keeps failing. */
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

export type LinkOptions = {
  readonly sessionId: string;
  readonly token: string;
  readonly clientId: string;
  readonly size: () => { readonly cols: number; readonly rows: number };
  /** What became of the session, asked over HTTP when a connect fails (a WebSocket hides the status). */
  readonly probe: () => Promise<SessionProbe>;
  readonly onData: (data: Uint8Array, kind: "snapshot" | "output") => void;
  readonly onEvent: (event: LinkEvent) => void;
};

export type AttachLink = {
  readonly sendInput: (data: Uint8Array) => void;
  readonly resize: (cols: number, rows: number) => void;
  /** Detach on purpose: the session keeps running. */
  readonly close: () => void;
  readonly offset: () => number | undefined;
};

export function attachUrl(location: Location, sessionId: string): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/sessions/${encodeURIComponent(sessionId)}/attach`;
}

export function openAttachLink(options: LinkOptions): AttachLink {
  let socket: WebSocket | undefined;
  let offset: number | undefined;
  let pending: PendingInput[] = [];
  let pendingBytes = 0;
  let seq = 0;
  /** The current socket got its welcome: inputs and resizes go straight out. */
  let attached = false;
  let everAttached = false;
  let attempt = 0;
  let failedTries = 0;
  let helloSize = options.size();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const send = (frame: Frame) => socket?.send(encodeFrame(frame));
  const stop = () => {
    closed = true;
    clearTimeout(timer);
    const s = socket;
    socket = undefined;
    attached = false;
    s?.close(1000, "detach");
  };
  const fail = (code: string, message: string) => {
    if (closed) return;
    stop();
    options.onEvent({ kind: "failed", code, message });
  };

  const onWelcome = (welcome: Welcome) => {
    if (everAttached) pending = inputsToResend(pending, welcome.lastSeq);
    else {
      // This tab's clientId may already have inputs applied on this host (an earlier attach,
      // a reload): number ours after them, or the host would drop them as repeats.
      pending = pending.map((p, i) => ({ seq: welcome.lastSeq + i + 1, data: p.data }));
      seq = welcome.lastSeq + pending.length;
    }
    pendingBytes = pending.reduce((n, p) => n + p.data.length, 0);
    const reconnected = everAttached;
    attached = true;
    everAttached = true;
    attempt = 0;
    failedTries = 0;
    for (const p of pending) send({ type: FrameType.input, seq: p.seq, data: p.data });
    const size = options.size();
    if (size.cols !== helloSize.cols || size.rows !== helloSize.rows) send({ type: FrameType.resize, cols: size.cols, rows: size.rows });
    options.onEvent({ kind: "attached", welcome, reconnected });
  };

  const onFrame = (frame: Frame) => {
    switch (frame.type) {
      case FrameType.welcome:
        return onWelcome(frame.welcome);
      case FrameType.snapshot:
        offset = frame.offset;
        return options.onData(frame.data, "snapshot");
      case FrameType.output: {
        const step = acceptOutput(offset, frame.offset, frame.data);
        offset = step.offset;
        if (step.fresh.length > 0) options.onData(step.fresh, "output");
        return;
      }
      case FrameType.exit:
        stop();
        return options.onEvent({ kind: "exited", exit: frame.exit });
      default:
        return;
    }
  };

  const retry = () => {
    const inMs = reconnectDelayMs(attempt++, Math.random());
    options.onEvent({ kind: "reconnecting", inMs });
    timer = setTimeout(connect, inMs);
  };

  const onDrop = async (wasAttached: boolean) => {
    if (closed) return;
    if (wasAttached) return retry();
    // The connect itself failed; a WebSocket does not say why, so ask the API.
    failedTries++;
    const probe = await options.probe();
    if (closed) return;
    const decision = decideAfterDrop(probe, everAttached, failedTries);
    switch (decision.kind) {
      case "retry":
        return retry();
      case "exited":
        stop();
        return options.onEvent({ kind: "exited", exit: { exitCode: decision.exitCode, signal: null } });
      case "lost":
        return fail("SESSION_LOST", "The session's host is gone (its machine restarted or it was killed)");
      case "fail":
        return fail(decision.code, probe.kind === "unreachable" ? "Cannot reach the control plane" : `The control plane refused the attach (${decision.code})`);
    }
  };

  function connect() {
    if (closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(attachUrl(window.location, options.sessionId), [WS_PROTOCOL, `bearer.${options.token}`]);
    } catch {
      // A subprotocol must be a plain token: anything else cannot be a valid token either.
      return fail("UNAUTHORIZED", "The token has characters a WebSocket cannot carry");
    }
    ws.binaryType = "arraybuffer";
    socket = ws;
    attached = false;
    let wasAttached = false;
    const decode = createFrameDecoder((frame) => {
      if (frame.type === FrameType.welcome) wasAttached = true;
      onFrame(frame);
    });
    ws.onopen = () => {
      if (socket !== ws) return;
      helloSize = options.size();
      send({ type: FrameType.hello, hello: { v: 1, clientId: options.clientId, mode: "attach", cols: helloSize.cols, rows: helloSize.rows, fromOffset: offset } });
    };
    ws.onmessage = (event: MessageEvent) => {
      if (socket !== ws || !(event.data instanceof ArrayBuffer)) return; // the protocol is binary only
      try {
        decode(new Uint8Array(event.data));
      } catch {
        ws.close(1002, "protocol error");
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = undefined;
      attached = false;
      void onDrop(wasAttached);
    };
  }

  connect();

  return {
    sendInput: (data) => {
      if (closed || data.length === 0) return;
      const input = { seq: ++seq, data };
      pending.push(input);
      pendingBytes += data.length;
      if (pendingBytes > MAX_PENDING_BYTES) {
        pending = trimPending(pending, MAX_PENDING_BYTES);
        pendingBytes = pending.reduce((n, p) => n + p.data.length, 0);
      }
      if (attached) send({ type: FrameType.input, seq: input.seq, data });
    },
    resize: (cols, rows) => {
      if (attached) send({ type: FrameType.resize, cols, rows });
    },
    close: stop,
    offset: () => offset,
  };
}
