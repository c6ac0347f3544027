import { describe, expect, test } from "bun:test";
import { hostAllowed, hostPolicy, originAllowed } from "./allowed-hosts.ts";

describe("a server on loopback", () => {
  const policy = hostPolicy("127.0.0.1", [], []);
  test("answers its address and the loopback names, on any port (an ssh -L forward changes it)", () => {
    for (const host of ["127.0.0.1:7070", "localhost:7070", "LOCALHOST:9000", "[::1]:7070", "127.0.0.1"]) expect([host, hostAllowed(policy, host, false)]).toEqual([host, true]);
  });
  test("refuses other names, junk and a missing Host", () => {
    for (const host of ["evil.example:7070", "127.0.0.2:7070", "localhost.evil.example", "a@127.0.0.1:7070", "127.0.0.1:7070/x", "", null]) {
      expect([host, hostAllowed(policy, host, false)]).toEqual([host, false]);
    }
  });
  test("a browser Origin must be the address the request came to; no Origin passes", () => {
    expect(originAllowed(policy, null, "127.0.0.1:7070")).toBe(true);
    expect(originAllowed(policy, "http://127.0.0.1:7070", "127.0.0.1:7070")).toBe(true);
    expect(originAllowed(policy, "http://localhost:9000", "localhost:9000")).toBe(true);
    const foreign = ["http://evil.example:7070", "http://127.0.0.1:8000", "http://localhost:7070", "null", "file://", "chrome-extension://abc"];
    for (const origin of foreign) expect([origin, originAllowed(policy, origin, "127.0.0.1:7070")]).toEqual([origin, false]);
    // A rebound name is refused even when Origin and Host agree.
    expect(originAllowed(policy, "http://evil.example:7070", "evil.example:7070")).toBe(false);
  });
});

test("allowed names: a bare name on any port (a TLS proxy in front), name:port on that port only", () => {
  const policy = hostPolicy("10.0.0.5", ["cp.example", "other.example:8443"], []);
  expect(hostAllowed(policy, "10.0.0.5:7070", true)).toBe(true);
  expect(hostAllowed(policy, "localhost:7070", true)).toBe(false);
  expect(hostAllowed(policy, "cp.example", true)).toBe(true);
  expect(hostAllowed(policy, "CP.example:9999", true)).toBe(true);
  // A proxy that rewrites Host: the page's Origin is still the allowed name.
  expect(originAllowed(policy, "https://cp.example", "10.0.0.5:7070")).toBe(true);
  expect(hostAllowed(policy, "other.example:8443", true)).toBe(true);
  expect(hostAllowed(policy, "other.example", true)).toBe(false);
  expect(hostAllowed(policy, "evil.cp.example", true)).toBe(false);
});

test("a wildcard listen answers loopback and this machine's addresses", () => {
  const policy = hostPolicy("0.0.0.0", [], ["192.168.1.4", "fe80::1"]);
  expect(hostAllowed(policy, "192.168.1.4", false)).toBe(true);
  expect(hostAllowed(policy, "[fe80::1]:7070", false)).toBe(true);
  expect(hostAllowed(policy, "127.0.0.1:7070", false)).toBe(true);
  expect(hostAllowed(policy, "192.168.1.5", false)).toBe(false);
  expect(hostAllowed(policy, "0.0.0.0", false)).toBe(false);
});
