import { describe, expect, test } from "bun:test";
import { pathOfSecretKey, secretKeyOf } from "./secret-keys.ts";

describe("credential paths as Secret keys", () => {
  test("every path round-trips, and keys hold only what Kubernetes allows", () => {
    const paths = [".claude/.credentials.json", ".claude.json", ".config/gh/hosts.yml", ".local/share/opencode/auth.json", "a_b/c", "a/_2f", "..odd/name", "ünï/cödé", ".npmrc"];
    for (const path of paths) {
      const key = secretKeyOf(path);
      expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
      expect(key.startsWith("..")).toBe(false);
      expect(pathOfSecretKey(key)).toBe(path);
    }
    expect(secretKeyOf(".claude/.credentials.json")).toBe(".claude_2f.credentials.json");
    // Distinct paths never share a key ('_' is escaped too).
    expect(secretKeyOf("a_2fb")).not.toBe(secretKeyOf("a/b"));
  });

  test("names we did not write decode to nothing", () => {
    for (const name of ["..data", "..2026_12_01_07_00_00.123", "a_zz", "a_2", "a/b", "", "bad_ff"]) expect(pathOfSecretKey(name)).toBeUndefined();
  });

  test("a path too long for a key is refused", () => {
    expect(() => secretKeyOf("x/".repeat(100))).toThrow(/253/);
  });
});
