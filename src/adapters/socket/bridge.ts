import { errorMessage } from "../../domain/errors.ts";
import { BRIDGE_READY } from "../../domain/target.ts";
import { createWriteQueue } from "./write-queue.ts";

/** Between two connection attempts while the session host inside the container is still starting. */
const RETRY_MS = 25;

/**
 * `remote __bridge <socket> [--wait-ms N]`, run inside a container by `<engine> exec -i`:
 * pipes stdin to the session host's Unix socket and the socket to stdout, bytes untouched
 * (the framed host protocol travels as is). Says BRIDGE_READY on stderr once connected;
 * ends when either side ends. With --wait-ms it keeps trying while the socket is not there yet.
 */
export async function runBridge(socketPath: string, waitMs: number): Promise<number> {
  const stdout = Bun.stdout.writer();
  const writes = createWriteQueue();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const connect = () =>
    Bun.connect({
      unix: socketPath,
      socket: {
        data: (socket, chunk) => {
          stdout.write(chunk);
          const flushed = stdout.flush();
          // A slow reader on our stdout slows the socket, not our memory.
          if (flushed instanceof Promise) {
            socket.pause();
            void flushed.then(() => socket.resume());
          }
        },
        drain: (socket) => writes.flush(socket),
        close: () => done(),
        error: () => done(),
      },
    });
  const deadline = Date.now() + waitMs;
  let socket: Awaited<ReturnType<typeof connect>>;
  for (;;) {
    try {
      socket = await connect();
      break;
    } catch (error) {
      if (Date.now() >= deadline) {
        await Bun.write(Bun.stderr, `bridge: cannot connect to ${socketPath}: ${errorMessage(error)}\n`);
        return 1;
      }
      await Bun.sleep(RETRY_MS);
    }
  }
  await Bun.write(Bun.stderr, `${BRIDGE_READY}\n`);
  void (async () => {
    const reader = Bun.stdin.stream().getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      writes.push(socket, value);
    }
    // Our client hung up: so do we.
    socket.end();
  })().catch(() => socket.end());
  await finished;
  await stdout.flush();
  return 0;
}
