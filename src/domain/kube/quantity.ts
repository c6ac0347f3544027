/**
 * --cpu and --memory, read as Kubernetes quantities ("500m", "2", "1.5"; "512Mi", "4Gi",
 * "1G") and held to ranges that make sense for one agent session. A bad value is a usage
 * error naming the flag, refused before anything is rendered or started.
 */
import { RemoteError } from "../errors.ts";

const MILLICORES = /^(\d+)m$/;
const CORES = /^(\d+(?:\.\d{1,3})?)$/;
const BYTES = /^(\d+)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const UNIT = { "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 } as const;

export const MIN_MILLICORES = 10;
export const MAX_MILLICORES = 256_000;
export const MIN_MEMORY_BYTES = 32 * 2 ** 20;
export const MAX_MEMORY_BYTES = 2 ** 40;

const invalid = (flag: string, raw: string, expected: string, example: string) =>
  new RemoteError("INVALID_FLAG", `Cannot use ${flag} '${raw}': expected ${expected}`, `Pass e.g. ${flag} ${example}.`, "usage");

/** A CPU amount: whole or fractional cores ("2", "0.5") or millicores ("500m"), from 10m to 256 cores. Returns the quantity as Kubernetes reads it. */
export function parseCpu(raw: string): string {
  const text = raw.trim();
  const milli = MILLICORES.exec(text);
  const cores = CORES.exec(text);
  const millicores = milli ? Number(milli[1]) : cores ? Math.round(Number(cores[1]) * 1000) : Number.NaN;
  if (!(millicores >= MIN_MILLICORES && millicores <= MAX_MILLICORES)) {
    throw invalid("--cpu", raw, `cores ("2", "0.5") or millicores ("500m") from ${MIN_MILLICORES}m to ${MAX_MILLICORES / 1000}`, "500m");
  }
  return text;
}

/** A memory amount with a binary ("512Mi", "4Gi") or decimal ("1G") suffix, from 32Mi to 1Ti. */
export function parseMemory(raw: string): string {
  const text = raw.trim();
  const match = BYTES.exec(text);
  const bytes = match ? Number(match[1]) * UNIT[(match[2] ?? "") as keyof typeof UNIT] : Number.NaN;
  if (!(bytes >= MIN_MEMORY_BYTES && bytes <= MAX_MEMORY_BYTES)) {
    throw invalid("--memory", raw, `an amount like "512Mi", "4Gi" or "1G" from 32Mi to 1Ti`, "2Gi");
  }
  return text;
}
