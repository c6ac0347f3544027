import { createFrameDecoder, encodeFrame, type Frame } from "../../domain/host-protocol.ts";
import type { HostConnection } from "../../domain/ports.ts";
import type { ByteStream } from "../../domain/target-port.ts";

/**
 * The framed host protocol over any byte stream (a container's exec'd bridge): the same
 * frames as on a Unix socket, so the session host cannot tell the difference.
 */
export function framedConnection(stream: ByteStream, onFrame: (frame: Frame) => void): HostConnection {
  const decode = createFrameDecoder(onFrame);
  stream.onData((chunk) => {
    try {
      decode(chunk);
    } catch {
      stream.close();
    }
  });
  return {
    send: (frame) => stream.write(encodeFrame(frame)),
    close: () => stream.close(),
    closed: stream.closed.then(() => {}),
  };
}
