import { RemoteError } from "../../domain/errors.ts";
import { FrameType, type HostRequest } from "../../domain/host-protocol.ts";
import type { HostAddress } from "../../domain/ports.ts";
import type { AppDeps } from "../deps.ts";
import { describeAddress } from "./find.ts";

/** One request/reply round trip on a control connection to a session host. */
export async function requestHost<T>(deps: Pick<AppDeps, "connector" | "random">, socketPath: HostAddress, request: HostRequest, timeoutMs = 10000): Promise<T> {
  let settle!: (value: unknown) => void;
  const answered = new Promise<unknown>((resolve) => (settle = resolve));
  const conn = await deps.connector.connect(socketPath, (frame) => {
    if (frame.type === FrameType.reply) settle(frame.reply);
  });
  conn.send({ type: FrameType.hello, hello: { v: 1, clientId: `ctl-${deps.random.id(10)}`, mode: "control" } });
  conn.send({ type: FrameType.request, request });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RemoteError("HOST_TIMEOUT", `Cannot get an answer from the session host at '${describeAddress(socketPath)}' within ${timeoutMs} ms`, "The host may be overloaded or stuck; check `remote ls`.", "unavailable")), timeoutMs);
  });
  const gone = conn.closed.then(() => {
    throw new RemoteError("HOST_CLOSED", `Cannot complete '${request.op}': the session host closed the connection`, "The session may have just ended; run `remote ls`.", "unavailable");
  });
  try {
    return (await Promise.race([answered, timeout, gone])) as T;
  } finally {
    clearTimeout(timer);
    conn.close();
  }
}
