import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";

const LIMIT = 2048;

describe("remote serve answers bad input with the right 4xx and keeps serving", () => {
  const home = tempHome("remote-serve-bad-");
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe(home, ["--max-body", String(LIMIT)]);
  });
  afterAll(async () => {
    await serve.stop();
    home[Symbol.dispose]();
  });
  const call = async (path: string, init: RequestInit = {}) => {
    const r = await serve.api(path, init);
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : {}) as { code: string; message: string; hint?: string }, headers: r.headers };
  };
  const post = (path: string, body: string) => call(path, { method: "POST", body });

  test("malformed JSON and invalid bodies: 400 naming the problem", async () => {
    expect(await post("/sessions", "{not json")).toMatchObject({ status: 400, body: { code: "INVALID_JSON" } });
    expect(await post("/sessions", "[]")).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });
    const missing = await post("/sessions", JSON.stringify({ displayName: "x" }));
    expect(missing).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });
    expect(missing.body.message).toContain("profile");
    const typo = await post("/sessions", JSON.stringify({ profile: "shell", dispalyName: "x", cols: "wide" }));
    expect(typo.status).toBe(400);
    expect(typo.body.message).toContain("dispalyName");
    expect(typo.body.message).toContain("cols");
    expect((await post("/sessions", JSON.stringify({ profile: "shell", target: "mars" }))).body.message).toContain("target");
    expect((await call("/sessions/whatever/logs?lines=lots")).body.code).toBe("INVALID_QUERY");
    // A client may hand the agent a job id and depth budget, never PATH or LD_PRELOAD.
    const env = await post("/sessions", JSON.stringify({ profile: "shell", env: { LD_PRELOAD: "/tmp/evil.so" } }));
    expect(env).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });
    expect(env.body.message).toContain("LD_PRELOAD");
  });

  test("unknown profile: 400 listing the profiles", async () => {
    const r = await post("/sessions", JSON.stringify({ profile: "notepad" }));
    expect(r).toMatchObject({ status: 400, body: { code: "UNKNOWN_PROFILE" } });
    for (const known of ["shell", "claude", "codex", "gemini", "opencode"]) expect(r.body.message).toContain(known);
  });

  test("bodies over --max-body: 413, with or without a Content-Length", async () => {
    const big = JSON.stringify({ text: "x".repeat(LIMIT) });
    expect(await post("/sessions/nope/send", big)).toMatchObject({ status: 413, body: { code: "BODY_TOO_LARGE" } });
    // Chunked: no Content-Length to trust, the reader counts.
    const chunks = [new TextEncoder().encode(big.slice(0, 1000)), new TextEncoder().encode(big.slice(1000))];
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        const next = chunks.shift();
        if (next) controller.enqueue(next);
        else controller.close();
      },
    });
    const chunked = await call("/sessions/nope/send", { method: "POST", body: stream, headers: { "content-type": "application/json" } });
    expect(chunked).toMatchObject({ status: 413, body: { code: "BODY_TOO_LARGE" } });
    // Exactly at the limit is read (and then the unknown session is what fails).
    const atLimit = JSON.stringify({ text: "y".repeat(LIMIT - 11) });
    expect(atLimit.length).toBe(LIMIT);
    expect(await post("/sessions/nope/send", atLimit)).toMatchObject({ status: 404, body: { code: "SESSION_NOT_FOUND" } });
  });

  test("unknown ids: 404 on every session route; unknown route 404; wrong method 405", async () => {
    const cases: [string, string, string?][] = [
      ["GET", "/sessions/zzzzzzzz"],
      ["PATCH", "/sessions/zzzzzzzz", JSON.stringify({ displayName: "n" })],
      ["POST", "/sessions/zzzzzzzz/stop"],
      ["POST", "/sessions/zzzzzzzz/send", JSON.stringify({ text: "x" })],
      ["GET", "/sessions/zzzzzzzz/logs"],
      ["POST", "/sessions/zzzzzzzz/credentials", JSON.stringify({ credentials: {} })],
      ["GET", "/sessions/zzzzzzzz/attach"],
    ];
    for (const [method, path, body] of cases) {
      const r = await call(path, body === undefined ? { method, ...(path.endsWith("/attach") ? { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } } : {}) } : { method, body });
      expect([method, path, r.status, r.body.code]).toEqual([method, path, 404, "SESSION_NOT_FOUND"]);
      expect(r.body.hint).toBeDefined();
    }
    expect(await call("/nothing/here")).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    const wrong = await call("/sessions/zzzzzzzz/stop", { method: "GET" });
    expect(wrong).toMatchObject({ status: 405, body: { code: "METHOD_NOT_ALLOWED" } });
    expect(wrong.headers.get("allow")).toBe("POST");
    expect((await call("/healthz", { method: "POST" })).status).toBe(405);
  });

  test("after all of that the server still answers", async () => {
    const health = await fetch(`${serve.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });
    expect(serve.proc.exitCode).toBeNull();
    // No stack trace ever reached a client or the request log.
    expect(serve.stderr()).not.toContain("    at ");
  });
});
