/**
 * In-memory stand-ins for what a reconnecting attach link is given: WebSocket-shaped
 * sockets that decode what the client sends and let a test play the server, and a
 * scheduler whose timers run only when the test says so.
 */
import { createFrameDecoder, encodeFrame, FrameType, type Frame } from "../../src/domain/host-protocol.ts";
import type { Scheduler, SocketLike } from "../../src/app/remote/attach-link.ts";

export type FakeSocket = SocketLike & {
  readonly sent: Frame[];
  readonly url: string;
  readonly headers: Record<string, string>;
  /** Close codes the client asked for, and whether it terminated the socket instead. */
  readonly closes: number[];
  terminated: boolean;
  open: () => void;
  receive: (frame: Frame) => void;
  /** The connection ends as a network drop would end it. */
  drop: () => void;
};

/** Sockets the client opens, in order; `withTerminate` gives them Bun's terminate(). */
export function fakeNetwork(options: { readonly withTerminate?: boolean } = {}) {
  const sockets: FakeSocket[] = [];
  const waiters: Array<() => void> = [];
  const openSocket = (url = "ws://h:1/attach", headers: Record<string, string> = {}): SocketLike => {
    const sent: Frame[] = [];
    const decode = createFrameDecoder((f) => sent.push(f));
    const ws: FakeSocket = {
      binaryType: "",
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
      sent,
      url,
      headers,
      closes: [],
      terminated: false,
      send: (data) => decode(data),
      close: (code) => {
        ws.closes.push(code ?? 1005);
        ws.drop();
      },
      open: () => ws.onopen?.(new Event("open")),
      receive: (frame) => ws.onmessage?.(new MessageEvent("message", { data: encodeFrame(frame).buffer })),
      drop: () => ws.onclose?.(new CloseEvent("close", { code: 1006 })),
    };
    if (options.withTerminate) {
      ws.terminate = () => {
        ws.terminated = true;
        ws.drop();
      };
    }
    sockets.push(ws);
    for (const w of waiters.splice(0)) w();
    return ws;
  };
  /** Resolves with the n-th socket (0-based) once the client opened it. */
  const socket = (n: number) =>
    new Promise<FakeSocket>((resolve) => {
      const check = () => (sockets[n] ? resolve(sockets[n] as FakeSocket) : waiters.push(check));
      check();
    });
  return { openSocket, socket, sockets };
}

/** A clock that moves only when the test runs the next timer. */
export function manualScheduler() {
  let now = 0;
  const timers = new Set<{ readonly at: number; readonly run: () => void }>();
  const scheduler: Scheduler = {
    after: (ms, run) => {
      const timer = { at: now + ms, run };
      timers.add(timer);
      return () => timers.delete(timer);
    },
  };
  return {
    scheduler,
    /** Waits (in ms from now) of the timers set and not yet run. */
    waits: () => [...timers].map((t) => t.at - now).sort((a, b) => a - b),
    /** Jumps to the earliest timer and runs it; throws when there is none. */
    runNext: () => {
      const next = [...timers].sort((a, b) => a.at - b.at)[0];
      if (!next) throw new Error("no timer is set");
      timers.delete(next);
      now = next.at;
      next.run();
    },
  };
}

/** Lets promise chains (an async probe, say) settle before the test looks again. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export const bytes = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);
export const welcome = (lastSeq: number, id = "s1"): Frame => ({ type: FrameType.welcome, welcome: { id, name: "one", cols: 80, rows: 24, offset: 0, lastSeq } });
/** The input frames a socket carried, as [seq, text]. */
export const inputs = (ws: FakeSocket) => ws.sent.flatMap((f) => (f.type === FrameType.input ? [[f.seq, text(f.data)] as const] : []));
export const hello = (ws: FakeSocket) => {
  const first = ws.sent[0];
  if (first?.type !== FrameType.hello) throw new Error("first frame is not a hello");
  return first.hello;
};
