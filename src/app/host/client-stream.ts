import { createFrameDecoder, encodeFrame, FrameType, type Frame, type Hello } from "../../domain/host-protocol.ts";
import type { OutputWindow } from "../../domain/output-window.ts";
import type { PtyExit, Screen, ServerClient } from "../../domain/ports.ts";

/** Output is framed in slices of this size so one client cannot hog the event loop. */
const SLICE = 256 * 1024;

export type ClientStream = {
  readonly receive: (chunk: Uint8Array) => void;
  readonly send: (frame: Frame) => void;
  /** Push as much retained output as the socket takes; called on new output and on drain. */
  readonly pump: () => void;
  readonly hello: () => Hello | undefined;
  readonly setHello: (hello: Hello) => void;
  readonly attached: () => boolean;
  /** Start the byte stream at `fromOffset` if it is still retained, else from a fresh snapshot. */
  readonly startStreaming: (fromOffset?: number) => void;
  /** Flush what is left, send the exit frame, close. Resolves when done (or after a bounded wait). */
  readonly finish: (exit: PtyExit) => Promise<void>;
  readonly end: () => void;
};

export function createClientStream(socket: ServerClient, window: OutputWindow, screen: Screen, onFrame: (frame: Frame) => void): ClientStream {
  let hello: Hello | undefined;
  let pending: Uint8Array | null = null;
  // Offset of the next output byte to frame; undefined until streaming starts.
  let sent: number | undefined;
  let snapshotting = false;
  let ended = false;
  let drained: (() => void) | undefined;
  let flushed: (() => void) | undefined;
  const decode = createFrameDecoder(onFrame);

  /** Writes pending bytes; false while the socket is full (the drain event resumes us). */
  const flush = (): boolean => {
    if (pending === null) return true;
    const n = socket.write(pending);
    if (n < pending.length) {
      pending = pending.subarray(Math.max(0, n));
      return false;
    }
    pending = null;
    return true;
  };

  const send = (frame: Frame) => {
    if (ended) return;
    const bytes = encodeFrame(frame);
    pending = pending === null ? bytes : concat(pending, bytes);
    flush();
  };

  const snapshot = async () => {
    snapshotting = true;
    for (;;) {
      const shot = await screen.snapshot();
      // The screen model lags the window by at most what it has not parsed yet; if it
      // lagged past the window, take another snapshot once it caught up.
      if (shot.offset < window.start()) continue;
      snapshotting = false;
      if (ended) return;
      send({ type: FrameType.snapshot, offset: shot.offset, data: new TextEncoder().encode(shot.data) });
      sent = shot.offset;
      pump();
      return;
    }
  };

  const pump = () => {
    if (ended || !flush()) return;
    flushed?.();
    if (sent === undefined || snapshotting) return;
    while (flush()) {
      const from: number = sent;
      const data = window.read(from, SLICE);
      if (data === undefined) {
        // Fell out of the retained window: a snapshot replaces what was lost.
        sent = undefined;
        snapshot().catch(end);
        return;
      }
      if (data.length === 0) {
        drained?.();
        return;
      }
      pending = encodeFrame({ type: FrameType.output, offset: from, data });
      sent = from + data.length;
    }
  };

  const end = () => {
    if (ended) return;
    ended = true;
    socket.end();
    drained?.();
  };

  return {
    receive: (chunk) => {
      try {
        decode(chunk);
      } catch {
        end();
      }
    },
    send,
    pump,
    hello: () => hello,
    setHello: (h) => {
      hello = h;
    },
    attached: () => hello?.mode === "attach" && !hello.readOnly,
    startStreaming: (fromOffset) => {
      if (fromOffset !== undefined && window.read(fromOffset, 0) !== undefined) {
        sent = fromOffset;
        pump();
      } else snapshot().catch(end);
    },
    finish: async (exit) => {
      if (hello?.mode === "attach" && !ended) {
        const caughtUp = new Promise<void>((resolve) => (drained = resolve));
        pump();
        if (sent !== undefined && sent < window.end()) await Promise.race([caughtUp, delay(3000)]);
      }
      send({ type: FrameType.exit, exit });
      if (pending !== null) await Promise.race([new Promise<void>((resolve) => (flushed = resolve)), delay(3000)]);
      end();
    },
    end,
  };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref?.());

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
