/**
 * Wire format between attach clients and a session host (Unix socket today, relayed
 * over WebSocket by the control plane). A frame is [type u8][length u32 BE][payload].
 * Output frames carry the absolute offset of their first byte; input frames carry a
 * client sequence number so a retried send is applied exactly once.
 */
import { terminalText } from "./ansi.ts";
import type { OutputWindow } from "./output-window.ts";
import type { SessionRecord } from "./session.ts";

export const FrameType = {
  // client -> host
  hello: 1,
  input: 2,
  resize: 3,
  request: 4,
  /** The client wrote this many terminal frames (snapshot, output, notice) in all: a host writing its terminal itself resumes once it caught up. */
  written: 5,
  // host -> client
  snapshot: 10,
  output: 11,
  exit: 12,
  welcome: 13,
  reply: 14,
  /** Bytes for the client's terminal outside the session's output (no offset, not in scrollback): a notification's OSC 9/777. */
  notice: 15,
  /** The person pressed the detach chord on the terminal the host reads itself (see Hello.terminal). */
  detached: 16,
} as const;
export type FrameTypeCode = (typeof FrameType)[keyof typeof FrameType];

export type Hello = {
  readonly v: 1;
  /** Stable per logical client across reconnects: input dedupe is keyed on it. */
  readonly clientId: string;
  readonly mode: "attach" | "control";
  readonly cols?: number | undefined;
  readonly rows?: number | undefined;
  /** Resume the byte stream here instead of starting from a screen snapshot. */
  readonly fromOffset?: number | undefined;
  /** Watch only: no input, no resize. */
  readonly readOnly?: boolean | undefined;
  /**
   * A reader of the byte stream, not a terminal (`logs --follow`, `attach --pipe`): every output
   * byte however far behind it falls (a snapshot only past the retained window). A terminal that
   * falls behind skips to a redraw of the current screen instead, as with tmux (terminal-backlog.ts).
   */
  readonly everyByte?: boolean | undefined;
  /**
   * The client's own terminal, offered to a host on the same machine: the host then reads the
   * keys and writes the output there itself, as tmux's server does, a process hop less each way.
   */
  readonly terminal?: TerminalIdentity | undefined;
};

/** A terminal device named so that another process can open it and check it is the same one. */
export type TerminalIdentity = { readonly path: string; readonly dev: number; readonly ino: number; readonly rdev: number };

export type Welcome = {
  readonly id: string;
  readonly name: string;
  readonly cols: number;
  readonly rows: number;
  readonly offset: number;
  /** Highest input sequence applied for this clientId (for exactly-once resend). */
  readonly lastSeq: number;
  /**
   * The host took the offered terminal: it reads the keys (the detach chord too: a `detached`
   * frame says so) and writes the output itself. Output frames still come when the terminal was
   * full; the client writes them and says so (`written`). Absent: the client does it all.
   */
  readonly terminal?: boolean | undefined;
};

export type HostRequest =
  | { readonly op: "info" }
  | { readonly op: "stop"; readonly reason?: string | undefined }
  | { readonly op: "text"; readonly lines?: number | undefined }
  | { readonly op: "send"; readonly data: string }
  /** Retained output since `from`, as readable lines (see outputReply). */
  | { readonly op: "output"; readonly from: number }
  /** From an agent CLI's hook (`remote __signal`): its session's token, and what the CLI passed it. */
  | SignalRequest
  /** To the host server's control socket: start hosting this (recorded) session. */
  | HostSessionRequest
  /** To the host server's control socket: every session record, as its open store reads them now (see RecordsReply). */
  | { readonly op: "records" }
  /** To the host server's control socket: attach this connection to the session `ref` names (see AttachRequest). */
  | AttachRequest;

/**
 * `remote attach <ref>` in one round trip, as a tmux client asks its server: the host server
 * resolves `ref` over every record as a reader would (findSession) and, when it names a running
 * session it hosts, hands the connection to that session with `hello`; the session's welcome
 * (and the screen) answer. Otherwise no answer of its own: the client sends {op: "records"} right
 * behind it, whose reply (from this server, or from one before this request that ignores it) tells
 * the client to take the usual way. Once the connection is handed over, requests behind it are dropped.
 */
export type AttachRequest = { readonly op: "attach"; readonly ref: string; readonly hello: Hello };

/**
 * The host server's answer to {op: "records"}: a quick reader uses it instead of opening the store itself.
 * `hookEventsTaken`: the server folded the waiting Claude Code hook events in first (a server before that did not).
 */
export type RecordsReply = { readonly records: readonly SessionRecord[]; readonly hookEventsTaken?: boolean } | { readonly error: string };

export type SignalRequest = {
  readonly op: "signal";
  readonly token: string;
  /** claude, gemini or codex: how to read `payload`. */
  readonly source: string;
  /** The hook's input as the CLI gave it (JSON text). */
  readonly payload: string;
  /** When the hook ran (ISO 8601): hooks run in parallel processes, arrival order is not event order. */
  readonly at: string;
};

export type HostSessionRequest = {
  readonly op: "host";
  readonly sessionId: string;
  /** The agent's environment: the launcher's, not the server's. */
  readonly env: Readonly<Record<string, string>>;
  readonly cols: number;
  readonly rows: number;
  /** Where the host runs, for plugins' session events (absent: this machine's host server). */
  readonly target?: "docker" | "kubernetes" | undefined;
};

/** The reply to {op: "output"}: the text of the raw output in [from, to). */
export type OutputReply = { readonly from: number; readonly to: number; readonly text: string };

/** An output reply covers at most this many bytes (the newest of the range). */
export const OUTPUT_REPLY_MAX_BYTES = 64 * 1024;

/**
 * What a host answers to {op: "output", from}: the retained output from `from` (or the
 * window's start, if `from` fell out of it) to the current end, at most `max` bytes, the
 * newest. A range cut short starts after its first newline (never mid-line or
 * mid-sequence when there is one). `to` is where the next request should start.
 */
export function outputReply(window: Pick<OutputWindow, "start" | "end" | "read">, from: number, max = OUTPUT_REPLY_MAX_BYTES): OutputReply {
  const end = window.end();
  const asked = Number.isFinite(from) ? Math.max(0, Math.floor(from)) : 0;
  let start = Math.min(end, Math.max(asked, window.start(), end - max));
  let bytes = window.read(start) ?? new Uint8Array(0);
  if (start > asked) {
    const newline = bytes.indexOf(0x0a);
    if (newline >= 0) {
      bytes = bytes.subarray(newline + 1);
      start += newline + 1;
    }
  }
  return { from: start, to: end, text: terminalText(decoder.decode(bytes)) };
}

export type ExitInfo = { readonly exitCode: number | null; readonly signal: string | null };

export type Frame =
  | { readonly type: typeof FrameType.hello; readonly hello: Hello }
  | { readonly type: typeof FrameType.input; readonly seq: number; readonly data: Uint8Array }
  | { readonly type: typeof FrameType.resize; readonly cols: number; readonly rows: number }
  | { readonly type: typeof FrameType.request; readonly request: HostRequest }
  | { readonly type: typeof FrameType.written; readonly frames: number }
  | { readonly type: typeof FrameType.snapshot; readonly offset: number; readonly data: Uint8Array }
  | { readonly type: typeof FrameType.output; readonly offset: number; readonly data: Uint8Array }
  | { readonly type: typeof FrameType.exit; readonly exit: ExitInfo }
  | { readonly type: typeof FrameType.welcome; readonly welcome: Welcome }
  | { readonly type: typeof FrameType.reply; readonly reply: unknown }
  | { readonly type: typeof FrameType.notice; readonly data: Uint8Array }
  | { readonly type: typeof FrameType.detached };

const HEADER = 5;
/** Larger frames are a protocol violation (a client cannot make the host allocate at will). */
export const MAX_FRAME = 16 * 1024 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

const frameOf = (type: number, payload: Uint8Array): Uint8Array => {
  const out = new Uint8Array(HEADER + payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, type);
  view.setUint32(1, payload.length);
  out.set(payload, HEADER);
  return out;
};

/** A frame whose payload is a float64 then bytes (input, output, snapshot), built in one allocation: output is the hot path. */
const numberedFrame = (type: number, n: number, data: Uint8Array): Uint8Array => {
  const out = new Uint8Array(HEADER + 8 + data.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, type);
  view.setUint32(1, 8 + data.length);
  view.setFloat64(HEADER, n);
  out.set(data, HEADER + 8);
  return out;
};

const json = (value: unknown) => encoder.encode(JSON.stringify(value));

export function encodeFrame(frame: Frame): Uint8Array {
  switch (frame.type) {
    case FrameType.hello:
      return frameOf(frame.type, json(frame.hello));
    case FrameType.input:
      return numberedFrame(frame.type, frame.seq, frame.data);
    case FrameType.resize:
      return frameOf(frame.type, json({ cols: frame.cols, rows: frame.rows }));
    case FrameType.request:
      return frameOf(frame.type, json(frame.request));
    case FrameType.written:
      return numberedFrame(frame.type, frame.frames, EMPTY);
    case FrameType.snapshot:
    case FrameType.output:
      return numberedFrame(frame.type, frame.offset, frame.data);
    case FrameType.exit:
      return frameOf(frame.type, json(frame.exit));
    case FrameType.welcome:
      return frameOf(frame.type, json(frame.welcome));
    case FrameType.reply:
      return frameOf(frame.type, json(frame.reply ?? null));
    case FrameType.notice:
      return frameOf(frame.type, frame.data);
    case FrameType.detached:
      return frameOf(frame.type, EMPTY);
  }
}

/** Several frames as one buffer, for one write. */
export function encodeFrames(frames: readonly Frame[]): Uint8Array {
  const encoded = frames.map(encodeFrame);
  const out = new Uint8Array(encoded.reduce((n, bytes) => n + bytes.length, 0));
  encoded.reduce((at, bytes) => (out.set(bytes, at), at + bytes.length), 0);
  return out;
}

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

function decodePayload(type: number, payload: Uint8Array): Frame {
  const parse = () => {
    try {
      return JSON.parse(decoder.decode(payload)) as unknown;
    } catch {
      throw new ProtocolError(`frame type ${type} carries invalid JSON`);
    }
  };
  const numbered = () => {
    if (payload.length < 8) throw new ProtocolError(`frame type ${type} is too short`);
    const n = new DataView(payload.buffer, payload.byteOffset, 8).getFloat64(0);
    return { n, data: payload.subarray(8) };
  };
  switch (type) {
    case FrameType.hello:
      return { type, hello: parse() as Hello };
    case FrameType.input: {
      const { n, data } = numbered();
      return { type, seq: n, data };
    }
    case FrameType.resize: {
      const { cols, rows } = parse() as { cols: number; rows: number };
      return { type, cols, rows };
    }
    case FrameType.request:
      return { type, request: parse() as HostRequest };
    case FrameType.written:
      return { type, frames: numbered().n };
    case FrameType.snapshot:
    case FrameType.output: {
      const { n, data } = numbered();
      return { type, offset: n, data };
    }
    case FrameType.exit:
      return { type, exit: parse() as ExitInfo };
    case FrameType.welcome:
      return { type, welcome: parse() as Welcome };
    case FrameType.reply:
      return { type, reply: parse() };
    case FrameType.notice:
      return { type, data: payload };
    case FrameType.detached:
      return { type };
    default:
      throw new ProtocolError(`unknown frame type ${type}`);
  }
}

/**
 * Incremental decoder: feed it socket chunks in order, it calls `onFrame` per complete frame.
 * Each payload byte is copied once, into its frame (the caller's chunk buffer may be reused by
 * the socket layer): a large frame arriving in many chunks is never re-assembled chunk by chunk.
 */
export function createFrameDecoder(onFrame: (frame: Frame) => void): (chunk: Uint8Array) => void {
  const header = new Uint8Array(HEADER);
  const headerView = new DataView(header.buffer);
  let headerFill = 0;
  let type = 0;
  let payload: Uint8Array | undefined;
  let payloadFill = 0;
  return (chunk) => {
    let at = 0;
    for (;;) {
      if (payload === undefined) {
        if (chunk.length - at === 0) return;
        let length: number;
        if (headerFill === 0 && chunk.length - at >= HEADER) {
          const view = new DataView(chunk.buffer, chunk.byteOffset + at, HEADER);
          type = view.getUint8(0);
          length = view.getUint32(1);
          at += HEADER;
        } else {
          const take = Math.min(HEADER - headerFill, chunk.length - at);
          header.set(chunk.subarray(at, at + take), headerFill);
          headerFill += take;
          at += take;
          if (headerFill < HEADER) return;
          headerFill = 0;
          type = headerView.getUint8(0);
          length = headerView.getUint32(1);
        }
        if (length > MAX_FRAME) throw new ProtocolError(`frame of ${length} bytes exceeds ${MAX_FRAME}`);
        payload = new Uint8Array(length);
        payloadFill = 0;
      }
      const take = Math.min(payload.length - payloadFill, chunk.length - at);
      payload.set(chunk.subarray(at, at + take), payloadFill);
      payloadFill += take;
      at += take;
      if (payloadFill < payload.length) return;
      const complete = payload;
      payload = undefined;
      onFrame(decodePayload(type, complete));
    }
  };
}
