/**
 * The control plane's own defences: Host and Origin checked against its address and the
 * names it was given (DNS rebinding, foreign pages), a cap on WebSockets, a bound on what
 * an attach may queue while its session host connects, and TLS (with plain http refused
 * off loopback). Every server listens on 127.0.0.1; nothing leaves the machine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import type { HostConnectorPort } from "../../src/domain/ports.ts";
import type { AttachData } from "../../src/app/server/attach-relay.ts";
import { createHttpHandler } from "../../src/app/server/http-handler.ts";
import { FrameType } from "../../src/domain/host-protocol.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { cli, tempHome } from "../support/cli.ts";
import { outputOf, startServe, wsClient, type ServeProcess } from "../support/serve.ts";

const SHELL = ["--norc", "--noprofile", "-i"];

/** One raw HTTP/1.1 exchange, for the headers fetch will not send (Upgrade) or a Host of our choosing. */
async function rawRequest(port: number, lines: readonly string[]): Promise<{ status: number; body: string }> {
  let text = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer; got ${JSON.stringify(text)}`)), 10_000);
    void Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open: (socket) => void socket.write(`${[...lines, "Connection: close", "", ""].join("\r\n")}`),
        data: (_socket, data) => void (text += new TextDecoder().decode(data)),
        close: () => {
          clearTimeout(timer);
          resolve();
        },
        error: (_socket, error) => reject(error),
      },
    });
  });
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), body: text.slice(text.indexOf("\r\n\r\n") + 4) };
}

const upgrade = (path: string, host: string, extra: readonly string[] = []) => [
  `GET ${path} HTTP/1.1`,
  `Host: ${host}`,
  "Upgrade: websocket",
  "Connection: Upgrade",
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
  "Sec-WebSocket-Version: 13",
  ...extra,
];

describe("Host and Origin", () => {
  const home = tempHome("remote-harden-host-");
  let serve: ServeProcess;
  let port: number;
  let sessionId: string;
  beforeAll(async () => {
    serve = await startServe(home, ["--allow-host", "cp.example", "--allow-host=other.example:8443"]); // repeated: both count
    port = Number(new URL(serve.url).port);
    const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", startupArgs: SHELL }) });
    sessionId = ((await created.json()) as { id: string }).id;
  });
  afterAll(async () => {
    await serve.stop();
    home[Symbol.dispose]();
  });

  test("a Host that is not ours gets 421 before the token is even looked at", async () => {
    for (const host of ["evil.example", `evil.example:${port}`, "other.example:9999"]) {
      const r = await rawRequest(port, ["GET /sessions HTTP/1.1", `Host: ${host}`, `Authorization: Bearer ${serve.token}`]);
      expect([host, r.status]).toEqual([host, 421]);
      expect(JSON.parse(r.body)).toMatchObject({ code: "HOST_NOT_ALLOWED", hint: expect.stringContaining("--allow-host") });
    }
    const page = await rawRequest(port, ["GET / HTTP/1.1", "Host: evil.example"]);
    expect(page.status).toBe(421);
  });

  test("our address, the loopback names and the allowed names are answered", async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, "cp.example", "cp.example:443", "other.example:8443"]) {
      expect([host, (await rawRequest(port, ["GET /healthz HTTP/1.1", `Host: ${host}`])).status]).toEqual([host, 200]);
    }
  });

  test("a foreign Origin gets 403 on the page, the API and the WebSocket; our own page's Origin passes", async () => {
    const here = `127.0.0.1:${port}`;
    const foreign = await rawRequest(port, ["GET / HTTP/1.1", `Host: ${here}`, "Origin: http://evil.example"]);
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: "ORIGIN_NOT_ALLOWED" });
    const api = await rawRequest(port, ["GET /sessions HTTP/1.1", `Host: ${here}`, "Origin: http://evil.example", `Authorization: Bearer ${serve.token}`]);
    expect(api.status).toBe(403);
    const ws = await rawRequest(port, upgrade(`/sessions/${sessionId}/attach`, here, ["Origin: http://evil.example", `Authorization: Bearer ${serve.token}`]));
    expect(ws.status).toBe(403);
    const own = await rawRequest(port, ["GET /healthz HTTP/1.1", `Host: ${here}`, `Origin: http://${here}`]);
    expect(own.status).toBe(200);
    // The same Origin through an allowed name (a TLS proxy that rewrites Host) passes too.
    expect((await rawRequest(port, ["GET /healthz HTTP/1.1", `Host: ${here}`, "Origin: https://cp.example"])).status).toBe(200);

    const client = wsClient(`${serve.wsUrl}/sessions/${sessionId}/attach`, { headers: { authorization: `Bearer ${serve.token}`, origin: serve.url } });
    await client.opened;
    client.close();
  });
});

describe("WebSocket cap", () => {
  const home = tempHome("remote-harden-cap-");
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe(home, ["--max-websockets", "2"]);
  });
  afterAll(async () => {
    await serve.stop();
    home[Symbol.dispose]();
  });

  test("past the cap an upgrade gets 503 with a hint; a closed socket frees its slot", async () => {
    const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", startupArgs: SHELL }) });
    const { id } = (await created.json()) as { id: string };
    const attach = (clientId: string) => {
      const c = wsClient(`${serve.wsUrl}/sessions/${id}/attach`, { headers: { authorization: `Bearer ${serve.token}` } });
      void c.opened.then(() => c.hello({ clientId }));
      return c;
    };
    const welcomed = (c: ReturnType<typeof attach>) => c.waitFor((f) => f.some((frame) => frame.type === FrameType.welcome), "welcome");
    const first = attach("one");
    const second = attach("two");
    await Promise.all([welcomed(first), welcomed(second)]);

    const port = Number(new URL(serve.url).port);
    const refused = await rawRequest(port, upgrade(`/sessions/${id}/attach`, `127.0.0.1:${port}`, [`Authorization: Bearer ${serve.token}`]));
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "TOO_MANY_WEBSOCKETS", hint: expect.stringContaining("--max-websockets") });

    first.close();
    await first.closed;
    const third = attach("three");
    await welcomed(third);
    second.close();
    third.close();
  });
});

describe("what an attach queues while its session host connects", () => {
  const home = tempHome("remote-harden-queue-");
  const token = "q".repeat(64);
  let server: Server<AttachData> | undefined;
  let sessionId: string;
  /** The session host's connect goes through when this is called (the host is slow to answer until then). */
  let letConnect: () => void;

  beforeAll(async () => {
    const run = await cli(home.env, ["run", "shell", "--detach", "--", ...SHELL]);
    expect(run.code).toBe(0);
    sessionId = run.stdout.trim();
    const deps = createRealDeps(home.env);
    const gate = new Promise<void>((resolve) => (letConnect = resolve));
    const connector: HostConnectorPort = { connect: (path, onFrame) => gate.then(() => deps.connector.connect(path, onFrame)) };
    const handler = createHttpHandler({ ...deps, connector }, { token, tokenFile: "/dev/null", version: "test", logLine: () => {}, maxQueuedBytes: 64 * 1024 });
    server = Bun.serve<AttachData>({ hostname: "127.0.0.1", port: 0, fetch: (r, s) => handler.fetch(r, s) as Promise<Response>, websocket: handler.websocket });
  });
  afterAll(async () => {
    await server?.stop(true);
    home[Symbol.dispose]();
  });

  const attach = () => wsClient(`ws://127.0.0.1:${server?.port}/sessions/${sessionId}/attach`, { headers: { authorization: `Bearer ${token}` } });

  test("within the bound, queued keys reach the session in order once the host answers", async () => {
    const client = attach();
    await client.opened;
    client.hello({ clientId: "queued" });
    client.input(1, "echo queued-");
    client.input(2, "$((6*7))\r");
    letConnect();
    await client.waitFor((f) => outputOf(f).includes("queued-42"), "the queued keys' output");
    client.close();
  });

  test("past the bound the client is dropped with a reason (it resends once reconnected)", async () => {
    // A host that never answers: the gate of this handler is open, so use a fresh one that stays shut.
    const deps = createRealDeps(home.env);
    const stuck: HostConnectorPort = { connect: () => new Promise(() => {}) };
    const handler = createHttpHandler({ ...deps, connector: stuck }, { token, tokenFile: "/dev/null", version: "test", logLine: () => {}, maxQueuedBytes: 64 * 1024 });
    const stuckServer = Bun.serve<AttachData>({ hostname: "127.0.0.1", port: 0, fetch: (r, s) => handler.fetch(r, s) as Promise<Response>, websocket: handler.websocket });
    try {
      const client = wsClient(`ws://127.0.0.1:${stuckServer.port}/sessions/${sessionId}/attach`, { headers: { authorization: `Bearer ${token}` } });
      await client.opened;
      client.hello({ clientId: "flood" });
      const chunk = "x".repeat(16 * 1024);
      for (let seq = 1; seq <= 8; seq++) client.input(seq, chunk);
      expect(await client.closed).toEqual({ code: 1013, reason: "sent more than 65536 bytes before the session host answered; reconnect" });
    } finally {
      await stuckServer.stop(true);
    }
  });
});

const hasOpenssl = Bun.which("openssl") !== null;

describe.if(hasOpenssl)("TLS", () => {
  const home = tempHome("remote-harden-tls-");
  const me = tempHome("remote-harden-tls-me-");
  const cert = join(home.dir, "cert.pem");
  const key = join(home.dir, "key.pem");
  let serve: ServeProcess;
  beforeAll(async () => {
    // A self-signed certificate for 127.0.0.1, made for this test; the client trusts it through NODE_EXTRA_CA_CERTS.
    const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stderr: "pipe" });
    expect(made.exitCode).toBe(0);
    serve = await startServe(home, ["--tls-cert", cert, "--tls-key", key]);
  });
  afterAll(async () => {
    await serve?.stop();
    home[Symbol.dispose]();
    me[Symbol.dispose]();
  });

  test("serve speaks https and wss: a client that trusts the certificate runs the smoke check end to end", async () => {
    expect(serve.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await cli(me.env, ["config", "set", "token", "-", "--remote", serve.url], { stdin: `${serve.token}\n` })).code).toBe(0);
    const trusted = await cli({ ...me.env, NODE_EXTRA_CA_CERTS: cert }, ["smoke", "shell", "--remote", serve.url]);
    expect(trusted.stderr).toBe("");
    expect(trusted.stdout).toMatch(/^smoke ok: shell session [a-z0-9]{8} on 127\.0\.0\.1:\d+/);
    // Without trusting it, the same command fails on the certificate: it is real TLS.
    const untrusted = await cli(me.env, ["ls", "--remote", serve.url]);
    expect(untrusted.stderr).toContain("its certificate is not trusted here");
    expect(untrusted.stderr).toContain("NODE_EXTRA_CA_CERTS");
  });

  test("off loopback, plain http is refused before listening (and before a token is made); half a key pair is a usage error", async () => {
    using elsewhere = tempHome("remote-harden-tls-no-");
    const data = elsewhere.env.REMOTE_HOME as string;
    const plain = await cli(elsewhere.env, ["serve", "--host", "0.0.0.0", "--port", "0", "--data", data]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("Cannot listen on '0.0.0.0' over plain http");
    expect(plain.stderr).toContain("--tls-cert");
    expect(existsSync(join(data, "token"))).toBe(false);
    const half = await cli(elsewhere.env, ["serve", "--port", "0", "--data", data, "--tls-cert", cert]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain("--tls-cert and --tls-key go together");
  });
});
