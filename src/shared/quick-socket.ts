/**
 * One request/reply on a Unix socket, blocking, through libc (quick-fs.ts's handle): a quick
 * command (ls, send, attach's records) asks the host and waits anyway, and Bun.connect's first use
 * (its event loop side, the promises around it) costs such a command more than all the rest of
 * its own start. Linux only, like quick-fs; undefined wherever it cannot be done here, and the
 * caller then connects as before (as it does to report a failed connect in its own words).
 */
import { createFrameDecoder, encodeFrames, FrameType, type Frame } from "../domain/host-protocol.ts";
import type { Exchanged } from "../domain/ports.ts";
import { lib } from "./quick-fs.ts";

const AF_UNIX = 1;
const SOCK_STREAM_CLOEXEC = 1 | 0o2000000;
const POLLIN = 1;
/** sizeof(struct sockaddr_un): a 2-byte family, then 108 bytes of path (NUL-terminated). */
const SOCKADDR_UN = 110;

/**
 * A descriptor connected to the socket at `socketPath` with `frames` written to it, in this same
 * turn: "unreachable" when nothing accepted it, "closed" when it went away meanwhile; undefined: not
 * done here (no libc, a path too long). The caller owns the descriptor.
 */
export function connectWith(socketPath: string, frames: readonly Frame[]): number | "unreachable" | "closed" | undefined {
  const c = lib();
  const path = new TextEncoder().encode(socketPath);
  if (!c || path.length >= SOCKADDR_UN - 2) return undefined;
  const fd = c.socket(AF_UNIX, SOCK_STREAM_CLOEXEC, 0);
  if (fd < 0) return undefined;
  const address = new Uint8Array(SOCKADDR_UN);
  new DataView(address.buffer).setUint16(0, AF_UNIX, true);
  address.set(path, 2);
  const sent = (bytes: Uint8Array) => {
    for (let rest = bytes, n = 0; rest.length > 0; rest = rest.subarray(n)) if ((n = c.write(fd, rest, rest.length)) <= 0) return false;
    return true;
  };
  // In one write: the frames arrive together (a host reading them reads them in one go).
  const failed = c.connect(fd, address, 2 + path.length + 1) !== 0 ? "unreachable" : sent(encodeFrames(frames)) ? undefined : "closed";
  if (failed) c.close(fd);
  return failed ?? fd;
}

/** Writes `frames` to the socket at `socketPath` and returns the first reply frame's value; undefined: not done here (no libc, a path too long). */
export function exchangeOnce(socketPath: string, frames: readonly Frame[], timeoutMs: number): Exchanged | undefined {
  const c = lib();
  const fd = connectWith(socketPath, frames);
  if (!c || fd === undefined) return undefined;
  if (typeof fd !== "number") return { kind: fd };
  try {
    let reply: { value: unknown } | undefined;
    const decode = createFrameDecoder((f) => {
      if (f.type === FrameType.reply && !reply) reply = { value: f.reply };
    });
    const pollFd = new Uint8Array(8);
    const view = new DataView(pollFd.buffer);
    view.setInt32(0, fd, true);
    view.setInt16(4, POLLIN, true);
    const buffer = new Uint8Array(64 * 1024);
    const deadline = performance.now() + timeoutMs;
    while (!reply) {
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0) return { kind: "timeout" };
      // A signal (EINTR) comes back here as -1: wait again for what is left.
      if (c.poll(pollFd, 1, left) <= 0) continue;
      const n = c.read(fd, buffer, buffer.length);
      if (n <= 0) return { kind: "closed" };
      try {
        decode(buffer.subarray(0, n));
      } catch {
        return { kind: "closed" };
      }
    }
    return { kind: "reply", reply: reply.value };
  } finally {
    c.close(fd);
  }
}
