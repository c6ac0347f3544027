/**
 * A `remote __bridge` run inside a container or Pod (by the engine's exec or kubectl exec),
 * seen as a ByteStream: its stdout is the session host's bytes, its stdin ours; it is
 * opened once it says BRIDGE_READY on stderr, and closed with whatever else it said there
 * when it failed. Both targets reach their sessions through this one piece.
 */
import { errorMessage } from "../../domain/errors.ts";
import type { ByteStream } from "../../domain/target-port.ts";
import { BRIDGE_READY } from "../../domain/target.ts";

/** The exec'd bridge, whatever ran it. */
export type BridgeExec = {
  readonly stdout: ReadableStream<Uint8Array>;
  /** Its exit code; rejects when the exec tool itself failed. */
  readonly exited: Promise<number>;
  readonly write: (data: Uint8Array) => void;
  /** End of our input: the bridge closes its socket and exits (no process is left behind). */
  readonly end: () => void;
};

/** What the bridge says on stderr: feed it with `hear`; `ready` resolves once it said it is connected. */
export function bridgeStderr() {
  let said = "";
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  return {
    hear: (text: string) => {
      said += text;
      if (said.includes(`${BRIDGE_READY}\n`)) connected();
    },
    said: () => said,
    ready,
  };
}

/** `stderrDone` resolves once stderr was read to its end, so a failure's complaint is whole. */
export function bridgeStream(exec: BridgeExec, stderr: ReturnType<typeof bridgeStderr>, stderrDone: Promise<unknown> = Promise.resolve()): ByteStream {
  let handler: ((data: Uint8Array) => void) | undefined;
  const pending: Uint8Array[] = [];
  const reading = eachChunk(exec.stdout, (chunk) => {
    if (handler) handler(chunk);
    else pending.push(chunk);
  }).catch(() => {});
  const closed = (async () => {
    let code: number;
    try {
      code = await exec.exited;
    } catch (error) {
      await reading;
      return { error: errorMessage(error) };
    }
    await Promise.all([reading, stderrDone]);
    const complaint = stderr.said().replace(`${BRIDGE_READY}\n`, "").trim();
    return code === 0 ? {} : { error: complaint || `the bridge exited with code ${code}` };
  })();
  const opened = Promise.race([
    stderr.ready,
    closed.then((end) => {
      if (stderr.said().includes(`${BRIDGE_READY}\n`)) return;
      throw new Error(end.error ?? "the bridge ended before it connected");
    }),
  ]);
  opened.catch(() => {});
  let ended = false;
  return {
    write: (data) => {
      if (!ended) exec.write(data);
    },
    onData: (h) => {
      handler = h;
      for (const chunk of pending.splice(0)) h(chunk);
    },
    close: () => {
      if (ended) return;
      ended = true;
      exec.end();
    },
    opened,
    closed,
  };
}

export async function eachChunk(stream: ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array) => void): Promise<void> {
  const reader = stream.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onChunk(value);
  }
}
