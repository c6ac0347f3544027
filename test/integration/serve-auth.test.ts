import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { FrameType } from "../../src/domain/host-protocol.ts";
import { tempHome } from "../support/cli.ts";
import { startServe, wsClient, type ServeProcess } from "../support/serve.ts";

type OpenApi = { paths: Record<string, Record<string, { security?: unknown[] }>> };

/** Sends a raw HTTP/1.1 WebSocket upgrade and returns every byte the server sent back until it closed or went quiet. */
async function rawUpgrade(url: string, path: string, extraHeaders: string[] = []): Promise<string> {
  const { hostname, port } = new URL(url);
  let received = "";
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data: (_s, chunk) => {
        received += new TextDecoder().decode(chunk);
        // A refusal is a complete HTTP response: headers plus a JSON body.
        if (/\r\n\r\n\{.*\}$/s.test(received)) done();
      },
      close: () => done(),
      error: () => done(),
    },
  });
  socket.write(
    [`GET ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13", ...extraHeaders, "", ""].join("\r\n"),
  );
  await finished;
  socket.end();
  return received;
}

describe("remote serve auth", () => {
  const home = tempHome("remote-serve-auth-");
  let serve: ServeProcess;
  let sessionId: string;
  const bodies: string[] = [];
  const record = async (response: Response) => {
    const text = await response.text();
    bodies.push(text);
    // The browser page and its assets (public) are HTML, JS and CSS; everything else is JSON.
    const isJson = response.headers.get("content-type")?.includes("json") ?? false;
    return { status: response.status, text, json: text && isJson ? (JSON.parse(text) as { code?: string }) : {} };
  };

  beforeAll(async () => {
    serve = await startServe(home);
    const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: "guarded", startupArgs: ["--norc", "--noprofile", "-i"] }) });
    expect(created.status).toBe(201);
    sessionId = ((await created.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await serve.stop();
    home[Symbol.dispose]();
  });

  test("every route in /openapi.json refuses a missing or wrong token with 401; /healthz needs none", async () => {
    const doc = (await (await serve.api("/openapi.json")).json()) as OpenApi;
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path: path.replace(/\{[^}]+\}/g, sessionId), method: method.toUpperCase(), open: op.security?.length === 0 })));
    expect(operations.length).toBeGreaterThanOrEqual(10);
    // Only the health probe and the browser page (with its assets) may go without a token.
    const open = operations.filter((o) => o.open).map((o) => o.path);
    expect(open.filter((p) => !(p === "/healthz" || p === "/" || p.startsWith("/assets/")))).toEqual([]);
    const wrong = "0".repeat(64);
    for (const { path, method, open } of operations) {
      const init = method === "GET" ? { method } : { method, body: "{}" };
      const none = await record(await serve.api(path, { ...init, token: null }));
      // A wrong token of the right length, a short one and a long one take the same path as no
      // token: both sides are sha256-hashed, then compared with timingSafeEqual (constant time
      // over 32 bytes). That is asserted by construction, not timed: timing assertions flake.
      const bad = await record(await serve.api(path, { ...init, token: wrong }));
      const short = await record(await serve.api(path, { ...init, token: "x" }));
      if (open) {
        expect([path, none.status]).toEqual([path, 200]);
        continue;
      }
      for (const r of [none, bad, short]) expect([method, path, r.status, r.json.code]).toEqual([method, path, 401, "UNAUTHORIZED"]);
      expect(bad.text).toBe(none.text);
    }
    // Unknown routes do not leak their 404 to strangers either.
    expect((await record(await serve.api("/no/such/route", { token: null }))).status).toBe(401);
    // And the session was not touched by any of it.
    const after = (await (await serve.api(`/sessions/${sessionId}`)).json()) as { state: string };
    expect(after.state).toBe("running");
  });

  test("a token in the query string is refused even when it is right", async () => {
    for (const key of ["token", "access_token"]) {
      for (const path of ["/sessions", "/healthz"]) {
        const r = await record(await fetch(`${serve.url}${path}?${key}=${serve.token}`));
        expect([path, r.status, r.json.code]).toEqual([path, 401, "TOKEN_IN_QUERY"]);
        const withHeader = await record(await serve.api(`${path}?${key}=${serve.token}`));
        expect(withHeader.status).toBe(401);
      }
    }
  });

  test("a WebSocket without a token gets a plain HTTP 401 and no session byte", async () => {
    const refused = await rawUpgrade(serve.url, `/sessions/${sessionId}/attach`);
    expect(refused).toStartWith("HTTP/1.1 401");
    expect(refused).not.toContain("101 Switching");
    expect(refused).not.toContain("bash");
    const wrongProtocol = await rawUpgrade(serve.url, `/sessions/${sessionId}/attach`, [`Sec-WebSocket-Protocol: remote.v1, bearer.${"f".repeat(64)}`]);
    expect(wrongProtocol).toStartWith("HTTP/1.1 401");
    bodies.push(refused, wrongProtocol);
  });

  test("a browser-style WebSocket authenticates with subprotocols `remote.v1, bearer.<token>` and gets remote.v1 back", async () => {
    const ws = wsClient(`${serve.wsUrl}/sessions/${sessionId}/attach`, { protocols: ["remote.v1", `bearer.${serve.token}`] });
    await ws.opened;
    expect(ws.ws.protocol).toBe("remote.v1");
    ws.hello({ clientId: "browser", readOnly: true });
    await ws.waitFor((f) => f.some((x) => x.type === FrameType.welcome), "welcome");
    ws.close();
    await ws.closed;
  });

  test("the token file is 0600 and the token shows in no log line, error body or argv", async () => {
    expect(statSync(serve.tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(serve.tokenFile, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
    // Requests that carry the token in every place it could leak from.
    bodies.push(await (await serve.api(`/sessions/${serve.token}`)).text());
    bodies.push(await (await serve.api(`/sessions`, { method: "POST", body: `{"profile": "${serve.token}"}` })).text());
    bodies.push(await (await serve.api(`/sessions`, { method: "POST", body: `{${serve.token}` })).text());
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) expect(body).not.toContain(serve.token);
    // The request log shows the path, never a query or header.
    expect(serve.stderr()).toContain("GET /sessions 401");
    expect(serve.stderr()).not.toContain(serve.token);
    const cmdline = readFileSync(`/proc/${serve.proc.pid}/cmdline`, "utf8");
    expect(cmdline).toContain("serve");
    expect(cmdline).not.toContain(serve.token);
    expect(readFileSync(`/proc/${serve.proc.pid}/environ`, "utf8")).not.toContain(serve.token);
  });
});
