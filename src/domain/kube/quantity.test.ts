import { expect, test } from "bun:test";
import { RemoteError } from "../errors.ts";
import { parseCpu, parseMemory } from "./quantity.ts";

test("--cpu takes cores or millicores within 10m..256", () => {
  for (const ok of ["500m", "2", "0.5", "1.25", "10m", "256"]) expect(parseCpu(ok)).toBe(ok);
  for (const bad of ["0", "5m", "257", "1.2345", "-1", "two", "1e3", "0x10", "", "500 m", "1Gi"]) {
    let error: unknown;
    try {
      parseCpu(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).kind).toBe("usage");
    expect((error as RemoteError).message).toContain(`--cpu '${bad}'`);
  }
});

test("--memory takes a binary or decimal amount within 32Mi..1Ti", () => {
  for (const ok of ["512Mi", "4Gi", "1G", "1Ti", "33554432", "64M"]) expect(parseMemory(ok)).toBe(ok);
  for (const bad of ["1Mi", "2Ti", "4gb", "4GiB", "1.5Gi", "", "-1Gi", "lots"]) expect(() => parseMemory(bad)).toThrow(`--memory '${bad}'`);
});
