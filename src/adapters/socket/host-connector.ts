import { errorMessage, RemoteError } from "../../domain/errors.ts";
import type { Frame } from "../../domain/host-protocol.ts";
import type { HostAddress, HostConnectorPort } from "../../domain/ports.ts";
import type { TargetPort } from "../../domain/target-port.ts";
import type { TargetHandle } from "../../domain/target.ts";
import { framedConnection } from "./stream-connection.ts";

/**
 * One connector for every session: a Unix socket path goes to the Unix connector, an
 * address inside a target (a container) through that target's byte stream. Callers
 * (attach, send, logs, stop, the serve relay) never know which.
 */
export function createHostConnector(unix: HostConnectorPort, targetFor: (handle: TargetHandle) => TargetPort): HostConnectorPort {
  const { exchange } = unix;
  return {
    // Blocking round trips only to a local socket: a container's is a stream through its engine.
    ...(exchange ? { exchange: (address: HostAddress, frames: readonly Frame[], timeoutMs: number) => (typeof address === "string" ? exchange(address, frames, timeoutMs) : undefined) } : {}),
    connect: async (address, onFrame, greeting = []) => {
      if (typeof address === "string") return unix.connect(address, onFrame, greeting);
      const stream = targetFor(address.target).openStream(address.target, address.socketPath);
      const connection = framedConnection(stream, onFrame);
      try {
        await stream.opened;
      } catch (error) {
        throw new RemoteError("HOST_UNREACHABLE", `Cannot connect to the session host in container '${address.target.container}': ${errorMessage(error)}`, "The session may have ended; run `remote ls` to check.", "unavailable");
      }
      for (const frame of greeting) connection.send(frame);
      return connection;
    },
  };
}
