import { createFrameDecoder, encodeFrame, FrameType, type Frame, type Hello } from "../../domain/host-protocol.ts";
import type { OutputWindow } from "../../domain/output-window.ts";
import type { PtyExit, Screen, ServerClient, TerminalDevice } from "../../domain/ports.ts";
import { countLag, fallenBehind, NO_LAG, redrawAfterInterval, SKIP_CHECK_MS, type Lag } from "../../domain/terminal-backlog.ts";

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
  /**
   * From now on write this client's terminal output (screen, output, notices) to its terminal
   * directly, and read its keys there (see Hello.terminal). Closed when the client ends.
   */
  readonly takeTerminal: (device: TerminalDevice) => void;
  /** Start the byte stream at `fromOffset` if it is still retained, else from a fresh snapshot. */
  readonly startStreaming: (fromOffset?: number) => void;
  /** Bytes for the client's terminal outside the session's output (a notification's OSC). */
  readonly notice: (data: Uint8Array) => void;
  /** Flush what is left, send the exit frame, close. Resolves when done (or after a bounded wait). */
  readonly finish: (exit: PtyExit) => Promise<void>;
  /** The person detached on the terminal we read: let go of it, tell the client, close. */
  readonly detach: () => void;
  readonly end: () => void;
};

const encoder = new TextEncoder();

export function createClientStream(socket: ServerClient, window: OutputWindow, screen: Screen, onFrame: (frame: Frame) => void): ClientStream {
  let hello: Hello | undefined;
  let pending: Uint8Array | null = null;
  // Offset of the next output byte to frame; undefined until streaming starts.
  let sent: number | undefined;
  let snapshotting = false;
  let ended = false;
  let drained: (() => void) | undefined;
  let flushed: (() => void) | undefined;
  /**
   * The person's terminal, when we write it ourselves. When it is full, what it did not take
   * goes to the client as frames (`relaying`) until the client says it wrote every one of them
   * (`written`): only then is writing it directly again in order.
   */
  let terminal: TerminalDevice | undefined;
  let relaying = false;
  let relayed = 0;
  /** Output bytes relayed for the terminal, in all and as the client last said it wrote them; per relayed output frame, the total then. */
  let relayedBytes = 0;
  let writtenBytes = 0;
  const relayMarks: Array<{ readonly frames: number; readonly bytes: number }> = [];
  /**
   * Set while the terminal is skipping (it fell behind: terminal-backlog.ts): nothing is written
   * to it, and every interval decides whether the flood is over; then one redraw, and on from there.
   */
  let skipping: ReturnType<typeof setInterval> | undefined;
  let producedBefore = 0;
  /** How long the terminal has been behind (terminal-backlog.ts), as of output offset `lagAt`. */
  let lag: Lag = NO_LAG;
  let lagAt = 0;
  const decode = createFrameDecoder((frame) => {
    if (frame.type !== FrameType.written) return onFrame(frame);
    while (relayMarks.length > 0 && (relayMarks[0]?.frames ?? 0) <= frame.frames) writtenBytes = relayMarks.shift()?.bytes ?? writtenBytes;
    if (relaying && frame.frames === relayed) {
      relaying = false;
      pump();
    }
  });

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

  /** A frame for the client's terminal: counted when the client would otherwise not write at all. */
  const relay = (frame: Frame) => {
    if (terminal) relayed++;
    send(frame);
  };

  /** Writes to the terminal directly while it takes everything; returns what it did not take (the caller relays that). */
  const writeDirect = (data: Uint8Array): Uint8Array | undefined => {
    if (!terminal || relaying) return data;
    const n = terminal.write(data);
    if (n === data.length) return undefined;
    relaying = true;
    return n === 0 ? data : data.subarray(n);
  };

  /** Output bytes owed to the terminal: produced and not handed on yet, and relayed through the client and not written yet. */
  const owed = () => (sent === undefined ? 0 : window.end() - sent) + relayedBytes - writtenBytes;

  /** A byte reader (Hello.everyByte) is never skipped; a terminal that fell behind stops getting output until it can be redrawn. */
  const checkBehind = () => {
    // Only new output can put a terminal further behind.
    if (skipping !== undefined || sent === undefined || snapshotting || ended || hello?.everyByte || window.end() === lagAt) return;
    lag = countLag(lag, window.end() - lagAt, owed(), screen.size());
    lagAt = window.end();
    if (fallenBehind(lag)) startSkipping();
  };
  const startSkipping = () => {
    sent = undefined;
    producedBefore = window.end();
    skipping = setInterval(() => {
      // A timer of ours, outside the host's guard: whatever throws here ends this client only.
      try {
        const produced = window.end() - producedBefore;
        producedBefore = window.end();
        if (!redrawAfterInterval(produced, pending !== null || relaying, screen.size())) return;
        stopSkipping();
        snapshot({ settled: true }).catch(end);
      } catch {
        end();
      }
    }, SKIP_CHECK_MS);
    skipping.unref?.();
  };
  /** The stream (re)starts at `offset`: the lag is counted from there. */
  const streamFrom = (offset: number) => {
    sent = lagAt = offset;
    lag = NO_LAG;
  };
  const stopSkipping = () => {
    clearInterval(skipping);
    skipping = undefined;
  };

  const snapshot = async (wanted?: { settled: boolean }) => {
    snapshotting = true;
    for (;;) {
      const shot = await screen.snapshot(wanted);
      // The screen model lags the window by what it has not parsed yet. Past the window's start
      // (a flood), the output in between is gone: a byte reader waits for a snapshot the window
      // still follows; a terminal shows this screen now and skips until the flood is over.
      const gone = shot.offset < window.start();
      if (gone && hello?.everyByte) continue;
      snapshotting = false;
      if (ended) return;
      const data = encoder.encode(shot.data);
      const rest = writeDirect(data);
      // A screen cut short by a full terminal: the rest is just bytes for it.
      if (rest === data) relay({ type: FrameType.snapshot, offset: shot.offset, data });
      else if (rest) relay({ type: FrameType.notice, data: rest });
      if (gone) return startSkipping();
      streamFrom(shot.offset);
      pump();
      return;
    }
  };

  const pump = () => {
    if (ended) return;
    if (!flush()) return checkBehind();
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
        return checkBehind();
      }
      const rest = writeDirect(data);
      if (rest === undefined) {
        sent = from + data.length;
        continue;
      }
      const at = from + data.length - rest.length;
      pending = encodeFrame({ type: FrameType.output, offset: at, data: rest });
      if (terminal) {
        relayed++;
        relayedBytes += rest.length;
        relayMarks.push({ frames: relayed, bytes: relayedBytes });
      }
      sent = from + data.length;
    }
    checkBehind();
  };

  const end = () => {
    if (ended) return;
    ended = true;
    stopSkipping();
    terminal?.close();
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
    takeTerminal: (device) => {
      if (ended) return device.close();
      terminal = device;
    },
    startStreaming: (fromOffset) => {
      if (fromOffset !== undefined && window.read(fromOffset, 0) !== undefined) {
        streamFrom(fromOffset);
        pump();
      } else snapshot().catch(end);
    },
    notice: (data) => {
      if (ended || snapshotting || sent === undefined || pending !== null) return relay({ type: FrameType.notice, data });
      const rest = writeDirect(data);
      if (rest) relay({ type: FrameType.notice, data: rest });
    },
    finish: async (exit) => {
      if (hello?.mode === "attach" && !ended) {
        const caughtUp = new Promise<void>((resolve) => (drained = resolve));
        if (skipping === undefined) pump();
        else {
          // The output is over: a skipping terminal gets its redraw now, then the exit.
          stopSkipping();
          snapshot({ settled: true }).catch(end);
        }
        if (snapshotting || (sent !== undefined && sent < window.end())) await Promise.race([caughtUp, delay(3000)]);
      }
      send({ type: FrameType.exit, exit });
      if (pending !== null) await Promise.race([new Promise<void>((resolve) => (flushed = resolve)), delay(3000)]);
      end();
    },
    detach: () => {
      if (ended) return;
      // Nothing more is written to the terminal: the client restores it next.
      terminal?.close();
      terminal = undefined;
      sent = undefined;
      stopSkipping();
      send({ type: FrameType.detached });
      if (pending === null) return end();
      flushed = end;
      void delay(3000).then(end);
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
