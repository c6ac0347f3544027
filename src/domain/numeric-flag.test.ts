import { describe, expect, test } from "bun:test";
import { isRemoteError } from "./errors.ts";
import { parseNumericFlag, parseOptionalNumericFlag, type NumericFlag } from "./numeric-flag.ts";

const COUNT: NumericFlag = { kind: "integer", min: 1, max: 100, example: "4" };
const PORT: NumericFlag = { kind: "integer", min: 0, max: 65535, example: "7070" };
const MINUTES: NumericFlag = { kind: "number", above: 0, max: 60, unit: "minutes", example: "1" };
const AGE: NumericFlag = { kind: "duration", minMs: 1000, maxMs: 30 * 86_400_000, unit: "d", example: "7d" };

const refusal = (flag: string, raw: string, spec: NumericFlag) => {
  try {
    parseNumericFlag(flag, raw, spec);
  } catch (error) {
    if (isRemoteError(error)) return error;
    throw error;
  }
  throw new Error(`${flag} '${raw}' was accepted`);
};

describe("numeric flags", () => {
  test("whole numbers in range are taken, with spaces around", () => {
    expect(parseNumericFlag("--n", "1", COUNT)).toBe(1);
    expect(parseNumericFlag("--n", " 100 ", COUNT)).toBe(100);
    expect(parseNumericFlag("--port", "0", PORT)).toBe(0);
  });

  test.each(["abc", "", " ", "0", "-3", "101", "1.5", "0x10", "1e2", "4abc", "Infinity", "NaN"])("a count refuses %p: usage error naming the flag and the range", (raw) => {
    const error = refusal("--max-concurrent", raw, COUNT);
    expect(error.kind).toBe("usage");
    expect(error.code).toBe("INVALID_FLAG");
    expect(error.message).toBe(`Cannot use --max-concurrent '${raw}': expected a whole number from 1 to 100`);
    expect(error.hint).toBe("Pass e.g. --max-concurrent 4.");
  });

  test("a number of minutes takes fractions above its floor only", () => {
    expect(parseNumericFlag("--watch", "0.002", MINUTES)).toBe(0.002);
    expect(parseNumericFlag("--watch", ".5", MINUTES)).toBe(0.5);
    for (const raw of ["0", "-1", "61", "abc", ""]) expect(refusal("--watch", raw, MINUTES).message).toContain("a number of minutes above 0 and at most 60");
  });

  test("durations take a unit (a bare number is in the default unit) and land in milliseconds", () => {
    expect(parseNumericFlag("--older-than", "7d", AGE)).toBe(7 * 86_400_000);
    expect(parseNumericFlag("--older-than", "90s", AGE)).toBe(90_000);
    expect(parseNumericFlag("--older-than", "1.5h", AGE)).toBe(5_400_000);
    expect(parseNumericFlag("--older-than", "2", AGE)).toBe(2 * 86_400_000);
    for (const raw of ["0", "-3d", "abc", "5w", "31d", "500ms"]) expect(refusal("--older-than", raw, AGE).message).toBe(`Cannot use --older-than '${raw}': expected a duration from 1s to 30d (e.g. 90s, 10m, 2h, 7d)`);
  });

  test("an absent optional flag is undefined, not a refusal", () => {
    expect(parseOptionalNumericFlag("--n", undefined, COUNT)).toBeUndefined();
    expect(parseOptionalNumericFlag("--n", "3", COUNT)).toBe(3);
  });
});
