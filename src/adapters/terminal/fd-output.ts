import { nodeFs, writeSome } from "../../shared/quick-fs.ts";

const encoder = new TextEncoder();

/**
 * Writes to stdout or stderr straight to the file descriptor. Merely touching
 * process.stdout / process.stderr builds Node streams (~15 ms of CPU and ~9 MiB at start-up,
 * more than all the rest of `remote ls`). Writes are synchronous, so order holds. If the
 * descriptor is non-blocking and full (EAGAIN), the rest and everything after go through
 * the stream, which queues; a reader that went away (EPIPE, or no descriptor at all) drops the output.
 */
export function createFdOutput(fd: 1 | 2): (data: string | Uint8Array) => void {
  let stream: NodeJS.WriteStream | undefined;
  let closed = false;
  return (data) => {
    if (closed) return;
    if (stream) return void stream.write(data);
    let bytes = typeof data === "string" ? encoder.encode(data) : data;
    // libc's write while it takes everything; anything else (EAGAIN, EPIPE) is node:fs's to raise.
    for (let n = 0; bytes.length > 0 && (n = writeSome(fd, bytes)) > 0; ) bytes = bytes.subarray(n);
    try {
      while (bytes.length > 0) bytes = bytes.subarray(nodeFs().writeSync(fd, bytes));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "EPIPE" || code === "EBADF") return void (closed = true);
      if (code !== "EAGAIN") throw error;
      stream = fd === 1 ? process.stdout : process.stderr;
      stream.write(bytes);
    }
  };
}
