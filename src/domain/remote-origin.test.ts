import { describe, expect, test } from "bun:test";
import { isLoopbackHost, listedAsInsecure, originOf, pickToken, requireSafeListen, requireSafeTransport, splitRemoteRef } from "./remote-origin.ts";

test("an origin always names its port, and ignores the path", () => {
  expect(originOf("http://127.0.0.1:7070/x")).toBe("http://127.0.0.1:7070");
  expect(originOf("https://CP.example/remote")).toBe("https://cp.example:443");
  expect(originOf("http://[::1]:8/")).toBe("http://[::1]:8");
  expect(originOf("https://cp.example:443")).toBe(originOf("https://cp.example"));
  expect(originOf("http://cp.example")).not.toBe(originOf("https://cp.example"));
});

test("loopback is 127.0.0.0/8, ::1 and localhost, nothing else", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "LOCALHOST", "localhost.", "::1", "[::1]"]) expect([host, isLoopbackHost(host)]).toEqual([host, true]);
  for (const host of ["128.0.0.1", "10.0.0.1", "0.0.0.0", "127.0.0.1.example", "localhost.example", "127.0.0.256", "::", "cp.example"]) expect([host, isLoopbackHost(host)]).toEqual([host, false]);
});

describe("requireSafeTransport", () => {
  test("https anywhere, http on loopback: fine", () => {
    expect(() => requireSafeTransport("https://cp.example", false)).not.toThrow();
    expect(() => requireSafeTransport("http://127.0.0.1:7070", false)).not.toThrow();
    expect(() => requireSafeTransport("http://localhost:7070", false)).not.toThrow();
  });

  test("http to another machine is a usage error naming the way out, unless insecure", () => {
    let error: unknown;
    try {
      requireSafeTransport("http://cp.example:7070/x", false);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "INSECURE_REMOTE", kind: "usage" });
    expect((error as Error & { hint: string }).hint).toContain("--insecure");
    expect((error as Error & { hint: string }).hint).toContain('insecure_remotes = ["http://cp.example:7070"]');
    expect(() => requireSafeTransport("http://cp.example:7070", true)).not.toThrow();
  });
});

test("an explicit remote ref splits at the last ':'", () => {
  expect(splitRemoteRef("far")).toBeUndefined();
  expect(splitRemoteRef("127.0.0.1:7070:a1b2c3d4")).toEqual({ remote: "127.0.0.1:7070", ref: "a1b2c3d4" });
  expect(splitRemoteRef("https://cp.example/r:far")).toEqual({ remote: "https://cp.example/r", ref: "far" });
  expect(splitRemoteRef("[::1]:7070:far")).toEqual({ remote: "[::1]:7070", ref: "far" });
  expect(() => splitRemoteRef(":far")).toThrow(/expected <remote>:<id-or-name>/);
  expect(() => splitRemoteRef("cp:7070:")).toThrow(/expected/);
});

describe("pickToken", () => {
  const stored = { "http://127.0.0.1:7070": "tok-a" };
  test("the stored token of the URL's own origin, whatever the path", () => {
    expect(pickToken("http://127.0.0.1:7070/x", {}, stored)).toEqual({ token: "tok-a", source: "stored" });
    expect(pickToken("http://127.0.0.1:7071", {}, stored)).toBeUndefined();
    expect(pickToken("http://localhost:7070", {}, stored)).toBeUndefined();
    expect(pickToken("https://127.0.0.1:7070", {}, stored)).toBeUndefined();
  });
  test("REMOTE_TOKEN goes only with REMOTE_URL's origin, and never alone", () => {
    expect(pickToken("http://127.0.0.1:7071", { url: "http://127.0.0.1:7071", token: "env" }, stored)).toEqual({ token: "env", source: "env" });
    expect(pickToken("http://127.0.0.1:7070", { url: "http://127.0.0.1:7071", token: "env" }, stored)).toEqual({ token: "tok-a", source: "stored" });
    expect(pickToken("http://127.0.0.1:7071", { token: "env" }, stored)).toBeUndefined();
  });
});

test("insecure_remotes matches by origin; junk entries match nothing", () => {
  expect(listedAsInsecure("http://10.0.0.5:7070/x", ["http://10.0.0.5:7070/"])).toBe(true);
  expect(listedAsInsecure("http://10.0.0.5:7071", ["http://10.0.0.5:7070", "not a url"])).toBe(false);
});

test("serve off loopback needs TLS or --insecure", () => {
  expect(() => requireSafeListen("127.0.0.1", false, false)).not.toThrow();
  expect(() => requireSafeListen("::1", false, false)).not.toThrow();
  for (const host of ["0.0.0.0", "::", "10.0.0.5", "cp.example"]) {
    expect(() => requireSafeListen(host, false, false)).toThrow(expect.objectContaining({ code: "TLS_REQUIRED", kind: "usage", hint: expect.stringContaining("--tls-cert") }));
    expect(() => requireSafeListen(host, true, false)).not.toThrow();
    expect(() => requireSafeListen(host, false, true)).not.toThrow();
  }
});

test("a REMOTE_URL that is not a URL owns no token (and does not throw)", () => {
  expect(pickToken("http://127.0.0.1:7070", { url: "not a url", token: "env" }, {})).toBeUndefined();
});
