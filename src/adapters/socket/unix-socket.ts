import { nodeFs } from "../../shared/quick-fs.ts";
import { childPath, parentPath } from "../../shared/quick-path.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import { createFrameDecoder, encodeFrame, encodeFrames, type Frame } from "../../domain/host-protocol.ts";
import type { HostConnectorPort, ServerClient, SocketServerPort } from "../../domain/ports.ts";
import { checkPrivateDirs, ensurePrivateDirs } from "../system/private-dir.ts";
import { createWriteQueue } from "./write-queue.ts";
import { connectWith, exchangeOnce } from "../../shared/quick-socket.ts";

type Socket = Awaited<ReturnType<typeof Bun.connect>>;

export type UnixSocketOptions = {
  /**
   * The configured socket dirs, outermost first (RemotePaths.socketDirs): each is created
   * 0700 and must stay ours. A socket elsewhere gets only its own dir checked.
   */
  readonly socketDirs: readonly string[];
};

const dirsOf = (options: UnixSocketOptions, socketPath: string) => {
  const dir = parentPath(socketPath);
  return options.socketDirs.at(-1) === dir ? options.socketDirs : [dir];
};

/** Session host side: a Unix socket only its owner can open (0600 in a 0700 dir that is ours). */
export function createUnixSocketServer(options: UnixSocketOptions): SocketServerPort {
  return {
    listen: (socketPath, handlers, listenOptions = {}) => {
      ensurePrivateDirs(dirsOf(options, socketPath));
      // Exclusive: bind a name of our own, then link it into place; link(2) fails if the path
      // exists, so of several servers starting at once exactly one gets the path.
      const bindAt = listenOptions.exclusive ? childPath(parentPath(socketPath), `hs-${process.pid}.tmp`) : socketPath;
      nodeFs().rmSync(bindAt, { force: true });
      type Data = { state: ReturnType<typeof handlers.open> };
      const server = Bun.listen<Data>({
        unix: bindAt,
        socket: {
          open: (socket) => {
            const client: ServerClient = { write: (data) => socket.write(data), end: () => socket.end() };
            socket.data = { state: handlers.open(client) };
          },
          data: (socket, chunk) => handlers.data(socket.data.state, chunk),
          drain: (socket) => handlers.drain(socket.data.state),
          close: (socket) => handlers.close(socket.data.state),
          error: (socket) => handlers.close(socket.data.state),
        },
      });
      nodeFs().chmodSync(bindAt, 0o600);
      if (bindAt !== socketPath) {
        try {
          nodeFs().linkSync(bindAt, socketPath);
        } catch (error) {
          server.stop(true);
          throw new RemoteError("SOCKET_IN_USE", `Cannot listen on '${socketPath}': ${(error as NodeJS.ErrnoException).code === "EEXIST" ? "it exists" : errorMessage(error)}`, undefined, "conflict");
        } finally {
          nodeFs().rmSync(bindAt, { force: true });
        }
      }
      const ours = nodeFs().statSync(socketPath).ino;
      return {
        stop: () => {
          server.stop(true);
          // Only our own socket file: a server that replaced a stale one may hold the path now.
          if (nodeFs().statSync(socketPath, { throwIfNoEntry: false })?.ino === ours) nodeFs().rmSync(socketPath, { force: true });
        },
      };
    },
  };
}

/** Client side: framed connection with write buffering across partial writes; never to a socket in a dir that is not ours. */
export function createUnixConnector(options: UnixSocketOptions): HostConnectorPort {
  return {
    exchange: (socketPath, frames, timeoutMs) => {
      if (typeof socketPath !== "string") return undefined;
      checkPrivateDirs(dirsOf(options, socketPath));
      return exchangeOnce(socketPath, frames, timeoutMs);
    },
    connect: async (socketPath, onFrame, greeting = []) => {
      if (typeof socketPath !== "string") throw new RemoteError("HOST_UNREACHABLE", `Cannot connect to container '${socketPath.target.container}' through a Unix socket`, undefined, "internal");
      // Our keystrokes would go to whoever listens there.
      checkPrivateDirs(dirsOf(options, socketPath));
      let resolveClosed!: () => void;
      const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
      const writes = createWriteQueue();
      const decode = createFrameDecoder(onFrame);
      const unreachable = (why: string) => new RemoteError("HOST_UNREACHABLE", `Cannot connect to the session host at '${socketPath}': ${why}`, "The session may have ended; run `remote ls` to check.", "unavailable");
      // The greeting goes in this turn, through libc: the host is at work on it while the event loop takes the socket over.
      const fd = greeting.length > 0 ? connectWith(socketPath, greeting) : undefined;
      if (fd === "unreachable" || fd === "closed") throw unreachable(fd === "closed" ? "it closed the connection" : "nothing accepts connections there");
      const handlers = {
        data: (s: Socket, chunk: Uint8Array) => {
          try {
            decode(chunk);
          } catch {
            s.end();
          }
        },
        drain: (s: Socket) => writes.flush(s),
        close: () => resolveClosed(),
        error: () => resolveClosed(),
      };
      let socket: Socket;
      try {
        // Bun's types lack the `fd` form of connect (FdSocketOptions), which it takes.
        socket = await (fd === undefined ? Bun.connect({ unix: socketPath, socket: handlers }) : Bun.connect({ fd, socket: handlers } as unknown as Parameters<typeof Bun.connect>[0]));
      } catch (error) {
        throw unreachable(errorMessage(error));
      }
      if (fd === undefined && greeting.length > 0) writes.push(socket, encodeFrames(greeting));
      return {
        send: (frame: Frame) => {
          writes.push(socket, encodeFrame(frame));
        },
        close: () => socket.end(),
        closed,
        pause: () => socket.pause(),
        resume: () => socket.resume(),
      };
    },
  };
}
