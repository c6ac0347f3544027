/**
 * The one parser for numeric command-line flags: counts, ports, sizes, minutes and
 * durations. A value that is not a number, or falls outside the range that means
 * something, is a usage error (exit 2) naming the flag and the accepted range.
 */
import { RemoteError } from "./errors.ts";

export type NumericFlag =
  /** A whole number in [min, max] (a count, a port, a size in bytes). */
  | { readonly kind: "integer"; readonly min: number; readonly max: number; readonly example: string }
  /** A number above `above` (exclusive) up to `max`, fractions allowed (minutes, seconds). */
  | { readonly kind: "number"; readonly above: number; readonly max: number; readonly unit: string; readonly example: string }
  /** A duration like 90s, 10m, 2h or 7d (a bare number is in `unit`), in [minMs, maxMs]; parsed to milliseconds. */
  | { readonly kind: "duration"; readonly minMs: number; readonly maxMs: number; readonly unit: "s" | "m" | "h" | "d"; readonly example: string };

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const spell = (ms: number): string => {
  for (const unit of ["d", "h", "m", "s"] as const) if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  return `${ms}ms`;
};

/** What the flag accepts, in words: for messages and `--help`. */
export function describeNumericFlag(spec: NumericFlag): string {
  if (spec.kind === "integer") return `a whole number from ${spec.min} to ${spec.max}`;
  if (spec.kind === "number") return `a number of ${spec.unit} above ${spec.above} and at most ${spec.max} (fractions allowed)`;
  return `a duration from ${spell(spec.minMs)} to ${spell(spec.maxMs)} (e.g. 90s, 10m, 2h, 7d)`;
}

const invalid = (flag: string, raw: string, spec: NumericFlag) =>
  new RemoteError("INVALID_FLAG", `Cannot use ${flag} '${raw}': expected ${describeNumericFlag(spec)}`, `Pass e.g. ${flag} ${spec.example}.`, "usage");

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** The value of a numeric flag (milliseconds for a duration), or a usage error naming the flag and its range. */
export function parseNumericFlag(flag: string, raw: string, spec: NumericFlag): number {
  const text = raw.trim();
  if (spec.kind === "duration") {
    const match = /^(\d+\.?\d*|\.\d+)(ms|s|m|h|d)?$/.exec(text);
    if (!match) throw invalid(flag, raw, spec);
    const unit = match[2] ?? spec.unit;
    const ms = Number(match[1]) * (unit === "ms" ? 1 : UNIT_MS[unit as keyof typeof UNIT_MS]);
    if (!Number.isFinite(ms) || ms < spec.minMs || ms > spec.maxMs) throw invalid(flag, raw, spec);
    return Math.round(ms);
  }
  // Number("") is 0 and Number("0x10") is 16: only plain decimals are numbers here.
  if (!DECIMAL.test(text)) throw invalid(flag, raw, spec);
  const n = Number(text);
  if (spec.kind === "integer") {
    if (!Number.isInteger(n) || n < spec.min || n > spec.max) throw invalid(flag, raw, spec);
    return n;
  }
  if (!(n > spec.above) || n > spec.max) throw invalid(flag, raw, spec);
  return n;
}

/** Same, for a flag that may be absent. */
export const parseOptionalNumericFlag = (flag: string, raw: string | undefined, spec: NumericFlag): number | undefined =>
  raw === undefined ? undefined : parseNumericFlag(flag, raw, spec);
