/**
 * A session's terminal over the control plane's WebSocket, surviving drops: one stable
 * clientId, the offset after the last output byte received, and every typed input kept
 * (with its sequence number) until a welcome says the host applied it. After a drop it
 * reconnects with capped, jittered backoff, asks for the stream "from offset X", and
 * re-sends only the inputs the host has not applied: no byte lost, no key twice.
 */
import { RemoteError } from "../../domain/errors.ts";
import { createFrameDecoder, encodeFrame, FrameType, type ExitInfo, type Frame, type Welcome } from "../../domain/host-protocol.ts";
import { acceptOutput, decideAfterDrop, inputsToResend, reconnectDelayMs, trimPending, type PendingInput, type SessionProbe } from "../../domain/reconnect.ts";
import type { AttachOutcome } from "../sessions/attach-terminal.ts";
import type { RemoteClient } from "./client.ts";

/** What we need of a WebSocket (Bun's global one by default; tests may wrap it). */
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
export type OpenSocket = (url: string, headers: Record<string, string>) => SocketLike;

/** Bun's client takes headers (browsers cannot); typed by hand since DOM typings, when loaded, hide that overload. */
const BunWebSocket = WebSocket as unknown as new (url: string, options: { headers: Record<string, string> }) => SocketLike;
const openBunSocket: OpenSocket = (url, headers) => new BunWebSocket(url, { headers });

export type RemoteAttachOptions = {
  readonly client: RemoteClient;
  readonly token: string | undefined;
  /** Session id (preferred: names can change while we are away) or name. */
  readonly ref: string;
  /** Stable for the whole attach: the host dedupes inputs per clientId. */
  readonly clientId: string;
  readonly size: { readonly cols: number; readonly rows: number };
  readonly readOnly?: boolean | undefined;
  /** Where the first connect starts the stream; undefined starts from a screen snapshot. */
  readonly fromOffset?: number | undefined;
  /** RandomPort.random: jitter for the backoff. */
  readonly random: () => number;
  readonly onOutput: (data: Uint8Array, kind: "snapshot" | "output") => void;
  readonly onStatus?: ((status: "reconnecting" | "reconnected") => void) | undefined;
  readonly onWelcome?: ((welcome: Welcome) => void) | undefined;
  readonly openSocket?: OpenSocket | undefined;
  /** Unacknowledged inputs kept for resend (oldest dropped beyond it). @default 1 MiB */
  readonly maxPendingBytes?: number | undefined;
  readonly backoff?: { readonly baseMs: number; readonly capMs: number } | undefined;
  /**
   * A link that dies silently (laptop sleep, Wi-Fi change) sends no close: every this many
   * ms an "info" request goes out, and a connection that stayed silent for a whole period
   * after one is dropped and reconnected. 0 turns it off. @default 15000
   */
  readonly heartbeatMs?: number | undefined;
  /** A connect that has no welcome after this long is abandoned (and counted as a failed try). @default 10000 */
  readonly connectTimeoutMs?: number | undefined;
};

export type RemoteAttach = {
  readonly sendInput: (data: Uint8Array) => void;
  readonly resize: (cols: number, rows: number) => void;
  /** Ends the attach on purpose (the session keeps running). */
  readonly detach: () => void;
  /** Offset one past the last output byte received (undefined before any). */
  readonly offset: () => number | undefined;
  /** How many times the connection was re-established after a drop. */
  readonly reconnects: () => number;
  /** The outcome once the session exits or we detach; rejects with a RemoteError when the attach is refused for good. */
  readonly done: Promise<AttachOutcome>;
};

/** Ask the control plane over HTTP what became of the session: tells a dead server from an ended session. */
async function probeSession(client: RemoteClient, ref: string): Promise<{ probe: SessionProbe; error?: RemoteError }> {
  try {
    const s = await client.get(ref);
    if (s.state === "exited") return { probe: { kind: "exited", exitCode: s.exitCode ?? null } };
    if (s.state === "lost") return { probe: { kind: "lost" } };
    return { probe: { kind: "running" } };
  } catch (error) {
    const remote = error instanceof RemoteError ? error : new RemoteError("REMOTE_UNREACHABLE", (error as Error).message, undefined, "unavailable");
    if (remote.kind === "unavailable") return { probe: { kind: "unreachable" }, error: remote };
    return { probe: { kind: "refused", code: remote.code }, error: remote };
  }
}

export function openRemoteAttach(options: RemoteAttachOptions): RemoteAttach {
  const openSocket = options.openSocket ?? openBunSocket;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  const maxPending = options.maxPendingBytes ?? 1024 * 1024;
  let ref = options.ref;
  let size = { cols: options.size.cols, rows: options.size.rows };
  let offset: number | undefined = options.fromOffset;
  let pending: PendingInput[] = [];
  let pendingBytes = 0;
  const setPending = (next: PendingInput[]) => {
    pending = next;
    pendingBytes = next.reduce((sum, p) => sum + p.data.length, 0);
  };
  let seq = 0;
  let current: SocketLike | undefined;
  /** The current connection got its welcome: inputs go straight out. */
  let attached = false;
  let everAttached = false;
  let reconnecting = false;
  let attempt = 0;
  let failedTries = 0;
  let reconnects = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  let finished = false;
  let exit: ExitInfo | undefined;
  let heardSinceBeat = false;
  let beatOutstanding = false;

  let resolveDone!: (outcome: AttachOutcome) => void;
  let rejectDone!: (error: RemoteError) => void;
  const done = new Promise<AttachOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  const send = (frame: Frame) => current?.send(encodeFrame(frame));

  const finish = (outcome: AttachOutcome | RemoteError) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    clearTimeout(welcomeTimer);
    clearInterval(heartbeat);
    const ws = current;
    current = undefined;
    attached = false;
    ws?.close(1000, "done");
    if (outcome instanceof RemoteError) rejectDone(outcome);
    else resolveDone(outcome);
  };

  const onFrame = (frame: Frame) => {
    switch (frame.type) {
      case FrameType.welcome: {
        const welcome = frame.welcome;
        ref = welcome.id;
        attached = true;
        clearTimeout(welcomeTimer);
        heardSinceBeat = true;
        beatOutstanding = false;
        everAttached = true;
        attempt = 0;
        failedTries = 0;
        // Inputs typed while away (or lost with the old connection) go out now, in order.
        setPending(inputsToResend(pending, welcome.lastSeq));
        for (const p of pending) send({ type: FrameType.input, seq: p.seq, data: p.data });
        options.onWelcome?.(welcome);
        if (reconnecting) {
          reconnecting = false;
          reconnects++;
          options.onStatus?.("reconnected");
        }
        return;
      }
      case FrameType.snapshot:
        offset = frame.offset;
        options.onOutput(frame.data, "snapshot");
        return;
      case FrameType.output: {
        const step = acceptOutput(offset, frame.offset, frame.data);
        offset = step.offset;
        if (step.fresh.length > 0) options.onOutput(step.fresh, "output");
        return;
      }
      case FrameType.reply:
        beatOutstanding = false;
        return;
      case FrameType.exit:
        exit = frame.exit;
        finish({ kind: "exited", ...frame.exit });
        return;
      default:
        return;
    }
  };

  const schedule = () => {
    const delay = options.backoff
      ? reconnectDelayMs(attempt, options.random(), options.backoff.baseMs, options.backoff.capMs)
      : reconnectDelayMs(attempt, options.random());
    attempt++;
    timer = setTimeout(connect, delay);
  };

  const onDrop = async (wasAttached: boolean) => {
    if (finished) return;
    if (exit) return finish({ kind: "exited", ...exit });
    if (wasAttached) {
      if (!reconnecting) {
        reconnecting = true;
        options.onStatus?.("reconnecting");
      }
      return schedule();
    }
    // The connect itself failed: find out whether it is worth trying again.
    failedTries++;
    const { probe, error } = await probeSession(options.client, ref);
    if (finished) return;
    const decision = decideAfterDrop(probe, everAttached, failedTries);
    if (decision.kind === "retry") return schedule();
    if (decision.kind === "exited") return finish({ kind: "exited", exitCode: decision.exitCode, signal: null });
    if (decision.kind === "lost") return finish({ kind: "lost" });
    finish(
      error ??
        new RemoteError(decision.code, `Cannot attach to session '${ref}' on ${options.client.url}: the WebSocket upgrade keeps failing`, "Check that nothing between here and the control plane blocks WebSocket upgrades.", "unavailable"),
    );
  };

  function connect() {
    if (finished) return;
    let ws: SocketLike;
    try {
      ws = openSocket(options.client.attachUrl(ref), headers);
    } catch (error) {
      return finish(new RemoteError("ATTACH_FAILED", `Cannot open a WebSocket to ${options.client.url}: ${(error as Error).message}`, "Check the remote URL (`remote config get remote`).", "unavailable"));
    }
    ws.binaryType = "arraybuffer";
    current = ws;
    attached = false;
    let wasAttached = false;
    const decode = createFrameDecoder((frame) => {
      if (frame.type === FrameType.welcome) wasAttached = true;
      onFrame(frame);
    });
    ws.onopen = () => {
      if (current !== ws) return;
      send({
        type: FrameType.hello,
        hello: { v: 1, clientId: options.clientId, mode: "attach", cols: size.cols, rows: size.rows, fromOffset: offset, readOnly: options.readOnly },
      });
    };
    ws.onmessage = (event) => {
      if (current !== ws) return;
      heardSinceBeat = true;
      const data = event.data as ArrayBuffer | Uint8Array | string;
      if (typeof data === "string") return; // the protocol is binary only
      try {
        decode(data instanceof Uint8Array ? data : new Uint8Array(data));
      } catch {
        ws.close(1002, "protocol error");
      }
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      if (current !== ws) return;
      current = undefined;
      attached = false;
      clearTimeout(welcomeTimer);
      void onDrop(wasAttached);
    };
    // A handshake into a black hole never closes by itself.
    clearTimeout(welcomeTimer);
    welcomeTimer = setTimeout(() => {
      if (current !== ws || wasAttached) return;
      current = undefined;
      abandon(ws);
      void onDrop(false);
    }, options.connectTimeoutMs ?? 10_000);
  }

  const abandon = (ws: SocketLike) => {
    if (ws.terminate) ws.terminate();
    else ws.close(4000, "no answer");
  };

  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const heartbeat =
    heartbeatMs > 0
      ? setInterval(() => {
          const ws = current;
          if (!ws || !attached) return;
          if (beatOutstanding && !heardSinceBeat) {
            // Silent for a whole period with a request outstanding: the link is dead.
            current = undefined;
            attached = false;
            beatOutstanding = false;
            abandon(ws);
            void onDrop(true);
            return;
          }
          heardSinceBeat = false;
          beatOutstanding = true;
          send({ type: FrameType.request, request: { op: "info" } });
        }, heartbeatMs)
      : undefined;

  connect();

  return {
    sendInput: (data) => {
      if (finished || options.readOnly || data.length === 0) return;
      const input = { seq: ++seq, data };
      pending.push(input);
      pendingBytes += data.length;
      if (pendingBytes > maxPending) setPending(trimPending(pending, maxPending));
      if (attached) send({ type: FrameType.input, seq: input.seq, data });
    },
    resize: (cols, rows) => {
      size = { cols, rows };
      if (attached && !options.readOnly) send({ type: FrameType.resize, cols, rows });
    },
    detach: () => finish({ kind: "detached" }),
    offset: () => offset,
    reconnects: () => reconnects,
    done,
  };
}
