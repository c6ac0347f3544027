/**
 * The retained window of raw PTY output, addressed by absolute byte offset.
 * Offsets only grow; the window keeps the newest `capacity` bytes so a client
 * that reconnects "from offset X" gets exactly what it missed, or learns that X
 * fell out of the window (and then takes a screen snapshot instead).
 */
export type OutputWindow = {
  /** Absolute offset of the oldest retained byte. */
  readonly start: () => number;
  /** Absolute offset one past the newest byte (= total bytes ever appended). */
  readonly end: () => number;
  readonly append: (chunk: Uint8Array) => void;
  /** Bytes in [from, min(end, from + max)), or undefined when `from` is no longer retained. */
  readonly read: (from: number, max?: number) => Uint8Array | undefined;
};

export const DEFAULT_RETAIN_BYTES = 8 * 1024 * 1024;

export function createOutputWindow(capacity: number = DEFAULT_RETAIN_BYTES): OutputWindow {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  const ring = new Uint8Array(capacity);
  let total = 0;

  const start = () => Math.max(0, total - capacity);

  const append = (chunk: Uint8Array) => {
    // Only the newest `capacity` bytes of an oversize chunk can survive anyway.
    const data = chunk.length > capacity ? chunk.subarray(chunk.length - capacity) : chunk;
    const skipped = chunk.length - data.length;
    const at = (total + skipped) % capacity;
    const first = Math.min(data.length, capacity - at);
    ring.set(data.subarray(0, first), at);
    if (first < data.length) ring.set(data.subarray(first), 0);
    total += chunk.length;
  };

  const read = (from: number, max = Number.POSITIVE_INFINITY) => {
    if (from < start() || from > total) return undefined;
    const length = Math.min(total - from, max);
    const out = new Uint8Array(length);
    const at = from % capacity;
    const first = Math.min(length, capacity - at);
    out.set(ring.subarray(at, at + first), 0);
    if (first < length) out.set(ring.subarray(0, length - first), first);
    return out;
  };

  return { start, end: () => total, append, read };
}
