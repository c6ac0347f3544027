/**
 * A TCP proxy on 127.0.0.1 (port 0) in front of a server, for fault tests: `cut()`
 * destroys every current connection at once (both sides, no goodbye), as a network drop
 * would. Backpressure is passed through: a side that cannot take more pauses the other.
 */
import type { Socket } from "bun";

type Pair = {
  readonly client: Socket<Pair>;
  upstream?: Socket<Pair>;
  /** Bytes not yet taken by the upstream (also: sent before it connected). */
  readonly toUpstream: Uint8Array[];
  readonly toClient: Uint8Array[];
  closed: boolean;
  /** A dead link: bytes vanish both ways and nobody is told. */
  frozen: boolean;
};

export type TcpProxy = {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: point a client here instead of at the server. */
  readonly url: string;
  /** Destroys every open connection; returns how many were cut. */
  readonly cut: () => number;
  /** Makes every open connection a black hole (no data, no close), as a link that died silently; returns how many. */
  readonly freeze: () => number;
  readonly cuts: () => number;
  readonly connections: () => number;
  readonly stop: () => void;
};

/** Writes what the destination takes; queues the rest and pauses the source until drain. */
function forward(dest: Socket<Pair> | undefined, queue: Uint8Array[], chunk: Uint8Array, source: Socket<Pair> | undefined) {
  if (dest === undefined || queue.length > 0) {
    queue.push(chunk.slice());
    source?.pause();
    return;
  }
  const n = dest.write(chunk);
  if (n < chunk.length) {
    queue.push(chunk.slice(Math.max(0, n)));
    source?.pause();
  }
}

function flush(dest: Socket<Pair>, queue: Uint8Array[], source: Socket<Pair> | undefined) {
  while (queue.length > 0) {
    const head = queue[0] as Uint8Array;
    const n = dest.write(head);
    if (n < head.length) {
      queue[0] = head.subarray(Math.max(0, n));
      return;
    }
    queue.shift();
  }
  source?.resume();
}

export async function startTcpProxy(targetPort: number, targetHost = "127.0.0.1"): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let cuts = 0;

  const close = (pair: Pair) => {
    if (pair.closed) return;
    pair.closed = true;
    pairs.delete(pair);
    pair.client.terminate();
    pair.upstream?.terminate();
  };

  const server = Bun.listen<Pair>({
    hostname: "127.0.0.1",
    port: 0,
    socket: {
      open: (client) => {
        const pair: Pair = { client, toUpstream: [], toClient: [], closed: false, frozen: false };
        client.data = pair;
        pairs.add(pair);
        Bun.connect<Pair>({
          hostname: targetHost,
          port: targetPort,
          socket: {
            open: (upstream) => {
              upstream.data = pair;
              if (pair.closed) return upstream.terminate();
              pair.upstream = upstream;
              flush(upstream, pair.toUpstream, pair.client);
            },
            data: (upstream, chunk) => {
              if (!pair.frozen) forward(pair.client, pair.toClient, chunk, upstream);
            },
            drain: (upstream) => flush(upstream, pair.toUpstream, pair.client),
            close: () => close(pair),
            error: () => close(pair),
          },
        }).catch(() => close(pair));
      },
      data: (client, chunk) => {
        if (!client.data.frozen) forward(client.data.upstream, client.data.toUpstream, chunk, client);
      },
      drain: (client) => flush(client, client.data.toClient, client.data.upstream),
      close: (client) => close(client.data),
      error: (client) => close(client.data),
    },
  });

  return {
    port: server.port,
    url: `http://127.0.0.1:${server.port}`,
    cut: () => {
      const open = [...pairs];
      for (const pair of open) close(pair);
      cuts++;
      return open.length;
    },
    freeze: () => {
      for (const pair of pairs) pair.frozen = true;
      return pairs.size;
    },
    cuts: () => cuts,
    connections: () => pairs.size,
    stop: () => {
      for (const pair of [...pairs]) close(pair);
      server.stop(true);
    },
  };
}
