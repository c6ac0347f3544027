import { createFrameDecoder, encodeFrame, FrameType, type HostRequest } from "../../domain/host-protocol.ts";

/**
 * One request to a session host over its Unix socket, without the connector (the hook
 * program's path: nothing else loaded): hello as a control client, the request, the reply.
 * Resolves with the reply, or rejects when the socket is absent or closes first.
 */
export function requestOnce(socketPath: string, request: HostRequest): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const decode = createFrameDecoder((frame) => {
      if (frame.type !== FrameType.reply || settled) return;
      settled = true;
      resolve(frame.reply);
    });
    Bun.connect({
      unix: socketPath,
      socket: {
        open: (socket) => {
          socket.write(encodeFrame({ type: FrameType.hello, hello: { v: 1, clientId: "signal", mode: "control" } }));
          socket.write(encodeFrame({ type: FrameType.request, request }));
        },
        data: (socket, chunk) => {
          decode(chunk);
          if (settled) socket.end();
        },
        close: () => {
          if (!settled) reject(new Error("the session closed the connection"));
        },
        error: (_socket, error) => {
          if (!settled) reject(error);
        },
      },
    }).catch(reject);
  });
}
