import { RemoteError } from "../../domain/errors.ts";
import { FrameType, type HostRequest } from "../../domain/host-protocol.ts";
import type { HostAddress } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";
import { describeAddress } from "./find.ts";

/**
 * One request/reply round trip on a control connection to a session host. `blocking`: a one-shot
 * command that only waits for the answer may wait without the event loop (see HostConnectorPort.exchange);
 * never a server, which would stop serving everyone else meanwhile.
 */
export async function requestHost<T>(deps: Pick<AppDeps, "connector" | "random">, socketPath: HostAddress, request: HostRequest, timeoutMs = 10000, blocking = false): Promise<T> {
  const frames = [
    { type: FrameType.hello, hello: { v: 1, clientId: `ctl-${deps.random.id(10)}`, mode: "control" } },
    { type: FrameType.request, request },
  ] as const;
  const timedOut = () => new RemoteError("HOST_TIMEOUT", `Cannot get an answer from the session host at '${describeAddress(socketPath)}' within ${timeoutMs} ms`, "The host may be overloaded or stuck; check `remote ls`.", "unavailable");
  const closed = () => new RemoteError("HOST_CLOSED", `Cannot complete '${request.op}': the session host closed the connection`, "The session may have just ended; run `remote ls`.", "unavailable");
  const exchanged = blocking ? deps.connector.exchange?.(socketPath, frames, timeoutMs) : undefined;
  if (exchanged?.kind === "reply") return exchanged.reply as T;
  if (exchanged?.kind === "timeout" || exchanged?.kind === "closed") throw exchanged.kind === "timeout" ? timedOut() : closed();
  // Not done, or unreachable: connect, which reports a failed connect in its own words.
  let settle!: (value: unknown) => void;
  const answered = new Promise<unknown>((resolve) => (settle = resolve));
  const conn = await deps.connector.connect(socketPath, (frame) => {
    if (frame.type === FrameType.reply) settle(frame.reply);
  });
  for (const frame of frames) conn.send(frame);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timedOut()), timeoutMs);
  });
  const gone = conn.closed.then(() => {
    throw closed();
  });
  try {
    return (await Promise.race([answered, timeout, gone])) as T;
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}
