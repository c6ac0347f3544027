import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { createFrameDecoder, encodeFrame, FrameType, type Frame, type Hello } from "../../src/domain/host-protocol.ts";
import { remoteCommand, repoRoot } from "./cli.ts";

export type ServeProcess = {
  /** `http://127.0.0.1:<port>` (https with --tls-cert) as printed by serve. */
  readonly url: string;
  /** `ws://127.0.0.1:<port>` */
  readonly wsUrl: string;
  readonly token: string;
  readonly tokenFile: string;
  readonly proc: Subprocess<"ignore", "ignore", "pipe">;
  /** Everything serve printed on stderr so far. */
  readonly stderr: () => string;
  /** fetch against the server with the bearer token (pass `token: null` to send none). */
  readonly api: (path: string, init?: RequestInit & { token?: string | null }) => Promise<Response>;
  /** SIGTERM and wait: resolves with the exit code. */
  readonly stop: () => Promise<number>;
  /** SIGKILL (a crash) and wait. */
  readonly kill: () => Promise<void>;
};

/**
 * Starts `remote serve --port 0 --data <REMOTE_HOME of home>` as a subprocess and waits
 * for its URL line. `home` is a tempHome(); its env is the server's env, so session hosts
 * it starts record themselves in the same store as `cli(home.env, ...)` sees.
 */
export async function startServe(home: { readonly env: Record<string, string> }, extraArgs: readonly string[] = [], command: readonly string[] = remoteCommand()): Promise<ServeProcess> {
  const data = home.env.REMOTE_HOME as string;
  const proc = Bun.spawn([...command, "serve", "--port", "0", "--data", data, ...extraArgs], {
    env: home.env,
    cwd: repoRoot,
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  let text = "";
  let wake: (() => void) | undefined;
  const pump = (async () => {
    const decoder = new TextDecoder();
    const reader = proc.stderr.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      wake?.();
    }
    wake?.();
  })();
  const deadline = Date.now() + 20000;
  let url: string | undefined;
  while (!(url = /remote control plane on (https?:\/\/\S+)/.exec(text)?.[1])) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error(`remote serve did not start (exit ${proc.exitCode}); stderr:\n${text}`);
    }
    await Promise.race([new Promise<void>((resolve) => (wake = resolve)), Bun.sleep(100)]);
  }
  const tokenFile = /token file: (\S+)/.exec(text)?.[1] ?? join(data, "token");
  const token = readFileSync(tokenFile, "utf8").trim();
  const wait = async () => {
    await proc.exited;
    await pump;
  };
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    token,
    tokenFile,
    proc,
    stderr: () => text,
    api: (path, init = {}) => {
      const { token: override, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = override === undefined ? token : override;
      if (bearer !== null) headers.set("authorization", `Bearer ${bearer}`);
      return fetch(`${url}${path}`, { ...rest, headers });
    },
    stop: async () => {
      proc.kill("SIGTERM");
      await wait();
      return proc.exitCode ?? -1;
    },
    kill: async () => {
      proc.kill("SIGKILL");
      await wait();
    },
  };
}

/** A WebSocket attach client for tests: frames in, frames out, and waits on what arrived. */
export function wsClient(url: string, options: { headers?: Record<string, string>; protocols?: string[] } = {}) {
  const ws = new WebSocket(url, { headers: options.headers ?? {}, protocols: options.protocols ?? [] } as unknown as string[]);
  ws.binaryType = "arraybuffer";
  const frames: Frame[] = [];
  const waiters: Array<() => void> = [];
  const wakeAll = () => {
    for (const w of waiters.splice(0)) w();
  };
  ws.onmessage = (event) => {
    if (typeof event.data === "string") throw new Error(`unexpected text message: ${event.data}`);
    createFrameDecoder((frame) => frames.push(frame))(new Uint8Array(event.data as ArrayBuffer));
    wakeAll();
  };
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = () => reject(new Error(`WebSocket ${url} failed to open`));
  });
  let closeInfo: { code: number; reason: string } | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.onclose = (event) => {
      closeInfo = { code: event.code, reason: event.reason };
      resolve(closeInfo);
      wakeAll();
    };
  });
  closed.catch(() => {});
  opened.catch(() => {});
  const decoder = new TextDecoder();
  /** Output bytes (not snapshots) in arrival order. */
  const outputBytes = () => concat(frames.flatMap((f) => (f.type === FrameType.output ? [f.data] : [])));
  return {
    ws,
    frames,
    opened,
    closed,
    send: (frame: Frame) => ws.send(encodeFrame(frame)),
    hello: (hello: Omit<Hello, "v" | "mode"> & { mode?: "attach" }) => ws.send(encodeFrame({ type: FrameType.hello, hello: { v: 1, mode: "attach", ...hello } })),
    input: (seq: number, text: string) => ws.send(encodeFrame({ type: FrameType.input, seq, data: new TextEncoder().encode(text) })),
    outputBytes,
    outputText: () => decoder.decode(outputBytes()),
    /** Offset just past the last output byte received. */
    endOffset: () => {
      const last = frames.findLast((f) => f.type === FrameType.output || f.type === FrameType.snapshot);
      return last && (last.type === FrameType.output || last.type === FrameType.snapshot) ? last.offset + (last.type === FrameType.output ? last.data.length : 0) : undefined;
    },
    /** Resolves once the predicate holds over the frames (re-checked on every message and at close). */
    waitFor: (predicate: (frames: readonly Frame[]) => boolean, what: string, timeoutMs = 15000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${frames.length} frames, output: ${JSON.stringify(decoder.decode(outputBytes()).slice(-500))}`)), timeoutMs);
        const check = () => {
          if (predicate(frames)) {
            clearTimeout(timer);
            resolve();
          } else if (closeInfo) {
            clearTimeout(timer);
            reject(new Error(`WebSocket closed (${closeInfo.code} ${closeInfo.reason}) while waiting for ${what}`));
          } else waiters.push(check);
        };
        check();
      }),
    close: () => ws.close(),
  };
}

export const outputOf = (frames: readonly Frame[]) =>
  new TextDecoder().decode(concat(frames.flatMap((f) => (f.type === FrameType.output ? [f.data] : []))));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
