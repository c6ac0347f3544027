/**
 * `.remote/workspace-index-log`: what changed in the index since its file was written, as
 * records appended one per save, so a one-file push writes a few hundred bytes instead of
 * the whole multi-MB index. A record carries the header fields and the changed rows whole
 * (stamp, numbers, hashes) plus the bytes appended to the string pool; it applies only to
 * the file generation it names (a log left over from before a rewrite is ignored), and a
 * record cut short by a crash is ignored with everything after it: the index is then as of
 * the last whole save (a base one version behind is safe: the push that finds the
 * workspace moved plans against its manifest).
 */
import { needsCompaction, ROW, SHA, STAMP, type LocalIndex, type RuleFile } from "./local-index.ts";

const MAGIC = 0x31_4c_57_52; // "RWL1"
/** A log longer than this, or rows changed beyond a share of the index, and the file is rewritten instead. */
export const MAX_LOG_BYTES = 1 << 20;
const ROW_BYTES = STAMP * 8 + ROW * 8 + 2 * SHA;

type RecordHeader = { readonly generation: number; readonly version: number; readonly scannedAt: number; readonly rules: RuleFile[]; readonly racy: number[]; readonly count: number; readonly poolFrom: number; readonly poolUsed: number; readonly rows: number[] };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytesOf = (array: Float64Array, from: number, length: number) => new Uint8Array(array.buffer, array.byteOffset + from * 8, length * 8);

/** Whether the next save may be a log record (else: rewrite the file, start a new log). */
export const fitsInLog = (index: LocalIndex): boolean =>
  index.generation > 0 && !needsCompaction(index) && index.dirty.size * 8 <= index.count && index.logBytes + index.dirty.size * ROW_BYTES + (index.poolUsed - index.poolSaved) < MAX_LOG_BYTES;

/** One record: [u32 magic][u32 length of the rest][JSON line][rows][pool bytes]. */
export function encodeLogRecord(index: LocalIndex): Uint8Array {
  const rows = [...index.dirty].sort((a, b) => a - b);
  const header: RecordHeader = { generation: index.generation, version: index.version, scannedAt: index.scannedAt, rules: index.rules, racy: index.racy, count: index.count, poolFrom: index.poolSaved, poolUsed: index.poolUsed, rows };
  const head = encoder.encode(`${JSON.stringify(header)}\n`);
  const poolBytes = index.poolUsed - index.poolSaved;
  const out = new Uint8Array(8 + head.length + rows.length * ROW_BYTES + poolBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, out.length - 8, true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const row of rows) {
    out.set(bytesOf(index.stamps, row * STAMP, STAMP), at);
    out.set(bytesOf(index.nums, row * ROW, ROW), at + STAMP * 8);
    out.set(index.shas.subarray(row * 2 * SHA, (row + 1) * 2 * SHA), at + (STAMP + ROW) * 8);
    at += ROW_BYTES;
  }
  out.set(index.pool.subarray(index.poolSaved, index.poolUsed), at);
  return out;
}

/** Applies every whole record of this generation, in order; stops at the first one cut short or foreign. */
export function applyLog(index: LocalIndex, log: Uint8Array): void {
  const view = new DataView(log.buffer, log.byteOffset, log.byteLength);
  let at = 0;
  while (at + 8 <= log.length && view.getUint32(at, true) === MAGIC) {
    const end = at + 8 + view.getUint32(at + 4, true);
    if (end > log.length) break;
    const newline = log.indexOf(10, at + 8);
    if (newline < 0 || newline >= end) break;
    let header: RecordHeader;
    try {
      header = JSON.parse(decoder.decode(log.subarray(at + 8, newline))) as RecordHeader;
    } catch {
      break;
    }
    if (header.generation !== index.generation || header.poolFrom > index.poolUsed || end !== newline + 1 + header.rows.length * ROW_BYTES + (header.poolUsed - header.poolFrom)) break;
    grow(index, header.count, header.poolUsed);
    let from = newline + 1;
    for (const row of header.rows) {
      bytesOf(index.stamps, row * STAMP, STAMP).set(log.subarray(from, from + STAMP * 8));
      bytesOf(index.nums, row * ROW, ROW).set(log.subarray(from + STAMP * 8, from + (STAMP + ROW) * 8));
      index.shas.set(log.subarray(from + (STAMP + ROW) * 8, from + ROW_BYTES), row * 2 * SHA);
      index.paths[row] = undefined;
      from += ROW_BYTES;
    }
    index.pool.set(log.subarray(from, end), header.poolFrom);
    Object.assign(index, { version: header.version, scannedAt: header.scannedAt, rules: header.rules, racy: header.racy, count: header.count, poolUsed: header.poolUsed, poolSaved: header.poolUsed });
    index.paths[0] = "";
    index.byPath = undefined;
    at = end;
  }
  index.logBytes = at;
}

/** Room for `count` rows and `poolUsed` pool bytes (the arrays may be views of the file: copied out when they grow). */
function grow(index: LocalIndex, count: number, poolUsed: number) {
  if (count * STAMP > index.stamps.length) {
    const stamps = new Float64Array(count * 2 * STAMP);
    stamps.set(index.stamps.subarray(0, index.count * STAMP));
    index.stamps = stamps;
  }
  if (count * ROW > index.nums.length) {
    const nums = new Float64Array(count * 2 * ROW);
    nums.set(index.nums.subarray(0, index.count * ROW));
    index.nums = nums;
  }
  if (count * 2 * SHA > index.shas.length) {
    const shas = new Uint8Array(count * 4 * SHA);
    shas.set(index.shas.subarray(0, index.count * 2 * SHA));
    index.shas = shas;
  }
  if (poolUsed > index.pool.length) {
    const pool = new Uint8Array(poolUsed * 2);
    pool.set(index.pool.subarray(0, index.poolUsed));
    index.pool = pool;
  }
}
