import { errorMessage } from "../../domain/errors.ts";
import type { HostAddress } from "../../domain/ports.ts";
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { z } from "zod";
import { createFrameDecoder, encodeFrame, FrameType, type Frame, type Hello } from "../../domain/host-protocol.ts";
import type { HostConnection } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";

/** Pause reading the host socket past this many queued WS bytes; resume on drain below LOW. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** A client that opens the socket and says nothing is dropped. */
const HELLO_TIMEOUT_MS = 10_000;
/** What a client may send before its session host answers; past it the client is dropped (it resends once reconnected). */
export const DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;

export type AttachData = {
  readonly sessionId: string;
  /** Where its host listens (a container's socket travels through the target's stream). */
  readonly socketPath: HostAddress;
  relay?: RelayState;
};

type RelayState = {
  conn?: HostConnection;
  /** Frames that arrived while the host connection was opening, in order. */
  queued: Frame[];
  /** Their size, held under maxQueuedBytes. */
  queuedBytes: number;
  helloSeen: boolean;
  paused: boolean;
  closed: boolean;
  timer?: ReturnType<typeof setTimeout>;
};

const HelloSchema = z.object({
  v: z.literal(1),
  clientId: z.string().min(1).max(200),
  mode: z.literal("attach"),
  cols: z.number().int().min(1).max(1000).optional(),
  rows: z.number().int().min(1).max(1000).optional(),
  fromOffset: z.number().int().min(0).optional(),
  readOnly: z.boolean().optional(),
  everyByte: z.boolean().optional(),
});

/** One WS message must be exactly one frame: header length + payload, nothing more, nothing less. */
export function decodeSingleFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 5) throw new Error("message shorter than a frame header");
  const length = new DataView(bytes.buffer, bytes.byteOffset, 5).getUint32(1);
  if (length !== bytes.length - 5) throw new Error("message is not exactly one frame");
  let frame: Frame | undefined;
  createFrameDecoder((f) => (frame = f))(bytes);
  if (frame === undefined) throw new Error("incomplete frame");
  return frame;
}

/** What a WS client may send after its hello: keys, window size, and the read-only "info" request. */
const allowedAfterHello = (frame: Frame) =>
  frame.type === FrameType.input || frame.type === FrameType.resize || (frame.type === FrameType.request && frame.request.op === "info");

/**
 * The WebSocket attach relay: each WS binary message is one host-protocol frame, relayed
 * unchanged to the session host's Unix socket and back. The host does the hard parts
 * (offsets, snapshots, exactly-once input); the relay adds a hello check, an op filter,
 * and backpressure: it stops reading the host socket while the WS send buffer is full,
 * so a slow client makes the host hold back (it resumes from its offset) instead of the
 * server buffering without bound.
 */
export type AttachRelayOptions = {
  /** Most WebSockets at once (open or being upgraded). */
  readonly maxSockets: number;
  /** @default DEFAULT_MAX_QUEUED_BYTES */
  readonly maxQueuedBytes?: number;
};

export type AttachRelay = WebSocketHandler<AttachData> & {
  readonly closeAll: () => void;
  /** Takes a slot for an upgrade about to happen; false when all are taken. */
  readonly admit: () => boolean;
  /** Gives back a slot whose upgrade did not happen. */
  readonly release: () => void;
  readonly maxSockets: number;
};

export function createAttachRelay(deps: Pick<AppDeps, "connector" | "log">, options: AttachRelayOptions): AttachRelay {
  const open = new Set<ServerWebSocket<AttachData>>();
  const maxQueued = options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  // Every upgrade takes a slot before it happens and gives it back at close, so a burst of
  // upgrades cannot overshoot the cap while their sockets are still opening.
  let taken = 0;

  const shut = (ws: ServerWebSocket<AttachData>, code: number, reason: string) => {
    const state = ws.data.relay;
    if (state) {
      state.closed = true;
      clearTimeout(state.timer);
      state.conn?.close();
    }
    ws.close(code, reason);
  };

  const toClient = (ws: ServerWebSocket<AttachData>, frame: Frame) => {
    const state = ws.data.relay;
    if (!state || state.closed) return;
    // send() returns 0 when Bun dropped the message (past its backpressure limit): never
    // lose output silently; close so the client reconnects from its last offset.
    if (ws.send(encodeFrame(frame)) === 0) return shut(ws, 1011, "client too slow; reconnect from your offset");
    if (!state.paused && ws.getBufferedAmount() > HIGH_WATER && state.conn?.pause) {
      state.paused = true;
      state.conn.pause();
    }
  };

  const connect = (ws: ServerWebSocket<AttachData>, hello: Hello) => {
    const state = ws.data.relay as RelayState;
    deps.connector
      .connect(ws.data.socketPath, (frame) => toClient(ws, frame))
      .then((conn) => {
        if (state.closed) return conn.close();
        state.conn = conn;
        conn.send({ type: FrameType.hello, hello });
        for (const frame of state.queued.splice(0)) conn.send(frame);
        state.queuedBytes = 0;
        void conn.closed.then(() => {
          // The host hung up (session exit: its exit frame was relayed first).
          if (!state.closed) shut(ws, 1000, "session ended");
        });
      })
      .catch(() => {
        if (!state.closed) shut(ws, 1011, "session host unreachable");
      });
  };

  return {
    open: (ws) => {
      open.add(ws);
      ws.data.relay = { queued: [], queuedBytes: 0, helloSeen: false, paused: false, closed: false };
      ws.data.relay.timer = setTimeout(() => shut(ws, 1008, "expected a hello frame"), HELLO_TIMEOUT_MS);
    },
    message: (ws, message) => {
      const state = ws.data.relay;
      if (!state || state.closed) return;
      if (typeof message === "string") return shut(ws, 1003, "binary frames only");
      let frame: Frame;
      try {
        frame = decodeSingleFrame(message);
      } catch (error) {
        return shut(ws, 1002, `bad frame: ${errorMessage(error)}`);
      }
      if (!state.helloSeen) {
        const hello = frame.type === FrameType.hello ? HelloSchema.safeParse(frame.hello) : undefined;
        if (!hello?.success) return shut(ws, 1008, "the first frame must be a hello {v:1, clientId, mode:'attach'}");
        state.helloSeen = true;
        clearTimeout(state.timer);
        return connect(ws, hello.data);
      }
      if (!allowedAfterHello(frame)) return shut(ws, 1008, "only input, resize and info frames after hello");
      if (state.conn) return state.conn.send(frame);
      // A host that is slow to answer must not make us hold whatever a client sends meanwhile.
      state.queuedBytes += message.byteLength;
      if (state.queuedBytes > maxQueued) return shut(ws, 1013, `sent more than ${maxQueued} bytes before the session host answered; reconnect`);
      state.queued.push(frame);
    },
    drain: (ws) => {
      const state = ws.data.relay;
      if (state?.paused && ws.getBufferedAmount() < LOW_WATER) {
        state.paused = false;
        state.conn?.resume?.();
      }
    },
    close: (ws) => {
      taken = Math.max(0, taken - 1);
      open.delete(ws);
      const state = ws.data.relay;
      if (!state) return;
      state.closed = true;
      clearTimeout(state.timer);
      state.conn?.close();
    },
    // A throw in a handler must cost one attach, never the server.
    error: (_error, ws) => shut(ws, 1011, "relay error"),
    // Bun's own cap on queued bytes stays well above HIGH_WATER: we pause long before it.
    backpressureLimit: 64 * 1024 * 1024,
    maxPayloadLength: 1024 * 1024,
    closeAll: () => {
      for (const ws of open) shut(ws, 1001, "server shutting down");
    },
    admit: () => {
      if (taken >= options.maxSockets) return false;
      taken += 1;
      return true;
    },
    release: () => {
      taken = Math.max(0, taken - 1);
    },
    maxSockets: options.maxSockets,
  };
}
