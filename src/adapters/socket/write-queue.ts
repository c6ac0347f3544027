/**
 * Bytes waiting for a socket that took only part of a write: `push` queues and writes what
 * the socket takes, `flush` (from its drain callback) writes the rest, oldest first.
 */
export type WritableSocket = { write: (data: Uint8Array) => number };

export function createWriteQueue() {
  const queue: Uint8Array[] = [];
  const flush = (socket: WritableSocket) => {
    while (queue.length > 0) {
      const head = queue[0] as Uint8Array;
      const n = socket.write(head);
      if (n < head.length) {
        queue[0] = head.subarray(Math.max(0, n));
        return;
      }
      queue.shift();
    }
  };
  return {
    flush,
    push: (socket: WritableSocket, data: Uint8Array) => {
      queue.push(data);
      if (queue.length === 1) flush(socket);
    },
  };
}
