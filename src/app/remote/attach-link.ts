/**
 * One reconnecting attach over the control plane's WebSocket, for any runtime: the CLI
 * (Bun's WebSocket, token in a header) and the browser view (the browser's, token in the
 * subprotocol) both drive this one state machine and differ only in what they pass in (how
 * a socket opens, timers, randomness) and in what they make of its events.
 *
 * The promise it keeps: one stable clientId, the offset after the last output byte
 * received, and every typed input kept (with its seq) until a welcome says the host
 * applied it. After a drop it reconnects with capped, jittered backoff, asks for the
 * stream "from offset X", and re-sends only the inputs the host has not applied: no byte
 * lost, no key twice. Nothing here may need Bun, Node or the DOM (the page bundles it).
 */
import { createFrameDecoder, encodeFrame, FrameType, type ExitInfo, type Frame, type Welcome } from "../../domain/host-protocol.ts";
import { acceptOutput, decideAfterDrop, inputsAfterWelcome, reconnectDelayMs, resizeAfterWelcome, trimPending, type PendingInput, type SessionProbe, type TerminalSize } from "../../domain/reconnect.ts";

/** What we need of a WebSocket: Bun's and the browser's both have this shape. */
export type SocketLike = {
  binaryType: string;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send: (data: Uint8Array) => void;
  close: (code?: number, reason?: string) => void;
  /** Drop the connection at once (a close handshake on a dead link would wait for its timeout). */
  terminate?: () => void;
};

/** Runs `run` after `ms`; the returned function cancels it. */
export type Scheduler = { readonly after: (ms: number, run: () => void) => () => void };

/** The runtime's own timers (every runtime the link runs in has these globals). */
export const timerScheduler: Scheduler = {
  after: (ms, run) => {
    const timer = setTimeout(run, ms);
    return () => clearTimeout(timer);
  },
};

export type AttachLinkEvent =
  /** A welcome: `reconnected` when an earlier connection of this link had one too. */
  | { readonly kind: "attached"; readonly welcome: Welcome; readonly reconnected: boolean }
  /** A welcomed connection ended without an exit frame; "reconnecting" follows. */
  | { readonly kind: "dropped" }
  /** The next connect goes out in `inMs` (after a drop, or after a connect that failed). */
  | { readonly kind: "reconnecting"; readonly inMs: number }
  // The rest end the link for good.
  | { readonly kind: "exited"; readonly exit: ExitInfo }
  /** The control plane knows the session but its host is gone. */
  | { readonly kind: "lost" }
  /** Connects keep failing and the probe says trying again is pointless: `code` says why. */
  | { readonly kind: "failed"; readonly code: string; readonly probe: SessionProbe }
  /** The socket factory threw (a URL or token a WebSocket cannot carry). */
  | { readonly kind: "unopenable"; readonly error: unknown };

export type AttachLinkOptions = {
  /** Opens a socket to the attach URL, credentials included; called for every (re)connect. */
  readonly open: () => SocketLike;
  /** Stable for the whole attach: the host dedupes inputs per clientId. */
  readonly clientId: string;
  readonly size: TerminalSize;
  readonly readOnly?: boolean | undefined;
  /** Where the first connect starts the stream; undefined starts from a screen snapshot. */
  readonly fromOffset?: number | undefined;
  /** A byte-stream reader, not a terminal: never skipped to a redraw when behind (Hello.everyByte). */
  readonly everyByte?: boolean | undefined;
  /** What became of the session, asked (over HTTP) when a connect fails: a WebSocket does not say why. */
  readonly probe: () => Promise<SessionProbe>;
  readonly scheduler: Scheduler;
  /** A draw in [0, 1): jitter for the backoff. */
  readonly random: () => number;
  readonly backoff?: { readonly baseMs: number; readonly capMs: number } | undefined;
  /** Unacknowledged inputs kept for resend (the oldest go beyond it). @default 1 MiB */
  readonly maxPendingBytes?: number | undefined;
  /** A connect with no welcome after this long is abandoned (a failed try); undefined waits for the socket to close. */
  readonly connectTimeoutMs?: number | undefined;
  /** `notice`: bytes outside the output stream (a notification's OSC 9/777), for a terminal only. */
  readonly onData: (data: Uint8Array, kind: "snapshot" | "output" | "notice") => void;
  readonly onEvent: (event: AttachLinkEvent) => void;
};

export type AttachLink = {
  /** Typed bytes: sent now when attached, else when the next welcome comes (ignored read-only). */
  readonly sendInput: (data: Uint8Array) => void;
  readonly resize: (cols: number, rows: number) => void;
  /** Ends the link on purpose (the session keeps running); no event follows. */
  readonly close: () => void;
  /** Offset one past the last output byte received (undefined before any). */
  readonly offset: () => number | undefined;
  /** Whether the current connection has its welcome. */
  readonly attached: () => boolean;
  /** Messages received so far over all connections. */
  readonly heard: () => number;
  /** Asks the host for "info" on the attached connection; its reply counts as heard. */
  readonly ping: () => void;
  /** Takes the current connection for dead: dropped without a close handshake, then reconnected. */
  readonly abandon: () => void;
};

const DEFAULT_MAX_PENDING_BYTES = 1024 * 1024;

export function openAttachLink(options: AttachLinkOptions): AttachLink {
  const maxPending = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  const readOnly = options.readOnly ?? false;
  let size: TerminalSize = options.size;
  let helloSize = size;
  let offset = options.fromOffset;
  let pending: PendingInput[] = [];
  let pendingBytes = 0;
  const setPending = (next: PendingInput[]) => {
    pending = next;
    pendingBytes = next.reduce((sum, p) => sum + p.data.length, 0);
  };
  let seq = 0;
  let current: SocketLike | undefined;
  /** The current connection got its welcome: inputs and resizes go straight out. */
  let attached = false;
  let everAttached = false;
  let attempt = 0;
  let failedTries = 0;
  let heard = 0;
  let closed = false;
  let cancelRetry = () => {};
  let cancelConnectTimeout = () => {};

  const send = (frame: Frame) => current?.send(encodeFrame(frame));

  const end = (event?: AttachLinkEvent) => {
    if (closed) return;
    closed = true;
    cancelRetry();
    cancelConnectTimeout();
    const ws = current;
    current = undefined;
    attached = false;
    ws?.close(1000, "detach");
    if (event) options.onEvent(event);
  };

  const onWelcome = (welcome: Welcome) => {
    cancelConnectTimeout();
    const inputs = inputsAfterWelcome(pending, seq, welcome.lastSeq, !everAttached);
    setPending(inputs.resend);
    seq = inputs.seq;
    const reconnected = everAttached;
    attached = true;
    everAttached = true;
    attempt = 0;
    failedTries = 0;
    // Inputs typed while away (or lost with the old connection) go out now, in order.
    for (const p of pending) send({ type: FrameType.input, seq: p.seq, data: p.data });
    const resize = resizeAfterWelcome(helloSize, size, readOnly);
    if (resize) send({ type: FrameType.resize, cols: resize.cols, rows: resize.rows });
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
        return end({ kind: "exited", exit: frame.exit });
      case FrameType.notice:
        return options.onData(frame.data, "notice");
      default:
        return;
    }
  };

  const retry = () => {
    const inMs = reconnectDelayMs(attempt++, options.random(), options.backoff?.baseMs, options.backoff?.capMs);
    options.onEvent({ kind: "reconnecting", inMs });
    cancelRetry = options.scheduler.after(inMs, connect);
  };

  const onDrop = async (wasAttached: boolean) => {
    if (closed) return;
    if (wasAttached) {
      options.onEvent({ kind: "dropped" });
      return retry();
    }
    // The connect itself failed: find out whether it is worth trying again.
    failedTries++;
    const probe = await options.probe().catch((): SessionProbe => ({ kind: "unreachable" }));
    if (closed) return;
    const decision = decideAfterDrop(probe, everAttached, failedTries);
    switch (decision.kind) {
      case "retry":
        return retry();
      case "exited":
        return end({ kind: "exited", exit: { exitCode: decision.exitCode, signal: null } });
      case "lost":
        return end({ kind: "lost" });
      case "fail":
        return end({ kind: "failed", code: decision.code, probe });
    }
  };

  /** Gives up on `ws` without waiting for a close handshake a dead link would never finish. */
  const drop = (ws: SocketLike, wasAttached: boolean) => {
    current = undefined;
    attached = false;
    cancelConnectTimeout();
    if (ws.terminate) ws.terminate();
    else ws.close(4000, "no answer");
    void onDrop(wasAttached);
  };

  function connect() {
    if (closed) return;
    let ws: SocketLike;
    try {
      ws = options.open();
    } catch (error) {
      return end({ kind: "unopenable", error });
    }
    ws.binaryType = "arraybuffer";
    current = ws;
    attached = false;
    let welcomed = false;
    const decode = createFrameDecoder((frame) => {
      if (frame.type === FrameType.welcome) welcomed = true;
      onFrame(frame);
    });
    ws.onopen = () => {
      if (current !== ws) return;
      helloSize = size;
      send({
        type: FrameType.hello,
        hello: { v: 1, clientId: options.clientId, mode: "attach", cols: size.cols, rows: size.rows, fromOffset: offset, readOnly: options.readOnly, everyByte: options.everyByte },
      });
    };
    ws.onmessage = (event) => {
      if (current !== ws) return;
      heard++;
      const data: unknown = event.data;
      // The protocol is binary only: text (or anything else) is not ours.
      const bytes = data instanceof Uint8Array ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : undefined;
      if (!bytes) return;
      try {
        decode(bytes);
      } catch {
        ws.close(1002, "protocol error");
      }
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (current !== ws) return;
      current = undefined;
      attached = false;
      cancelConnectTimeout();
      void onDrop(welcomed);
    };
    // A handshake into a black hole never closes by itself.
    cancelConnectTimeout();
    if (options.connectTimeoutMs !== undefined) {
      cancelConnectTimeout = options.scheduler.after(options.connectTimeoutMs, () => {
        if (current === ws && !welcomed) drop(ws, false);
      });
    }
  }

  connect();

  return {
    sendInput: (data) => {
      if (closed || readOnly || data.length === 0) return;
      const input = { seq: ++seq, data };
      pending.push(input);
      pendingBytes += data.length;
      if (pendingBytes > maxPending) setPending(trimPending(pending, maxPending));
      if (attached) send({ type: FrameType.input, seq: input.seq, data });
    },
    resize: (cols, rows) => {
      // Kept for the next hello even while away.
      size = { cols, rows };
      if (attached && !readOnly) send({ type: FrameType.resize, cols, rows });
    },
    close: () => end(),
    offset: () => offset,
    attached: () => attached,
    heard: () => heard,
    ping: () => {
      if (attached) send({ type: FrameType.request, request: { op: "info" } });
    },
    abandon: () => {
      if (current && !closed) drop(current, attached);
    },
  };
}
