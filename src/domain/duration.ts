import { RemoteError } from "./errors.ts";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** A duration a person types (`90s`, `30m`, `2h`, `7d`, `1w`, `1.5h`) in milliseconds; anything else is a usage error. */
export function parseDuration(flag: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhdw])$/.exec(raw.trim());
  if (match === null) {
    throw new RemoteError("INVALID_FLAG", `Cannot use ${flag} '${raw}': it is not a duration`, `Pass a number and a unit (s, m, h, d, w), e.g. ${flag} 7d or ${flag} 30m.`, "usage");
  }
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
