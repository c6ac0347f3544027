import { expect, test } from "bun:test";
import { createHttpHandler } from "../../src/app/server/http-handler.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";
import { startServe } from "../support/serve.ts";

type OpenApi = { openapi: string; paths: Record<string, Record<string, { operationId: string; requestBody?: unknown }>>; components: { schemas: Record<string, unknown> } };

const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)\*?/g, "{$1}");

test("the OpenAPI document and the router are the same table: every documented route answers, every routed path is documented", async () => {
  using home = tempHome("remote-serve-openapi-");
  const serve = await startServe(home);
  try {
    const doc = (await (await serve.api("/openapi.json")).json()) as OpenApi;
    expect(doc.openapi).toBe("3.1.0");
    // Every $ref points at a schema that exists.
    for (const [, ref] of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) expect(Object.keys(doc.components.schemas)).toContain(ref as string);

    const created = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: "walked", startupArgs: ["--norc", "--noprofile", "-i"] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const workspace = (await (await serve.api("/workspaces", { method: "POST", body: JSON.stringify({ path: "/walked" }) })).json()) as { id: string };

    const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
    // Stop (and the workspace's delete) last: the routes after them would meet an ended session (409) or no workspace (404).
    const last = (o: { path: string; method: string }) => Number(o.path.endsWith("/stop") || (o.method === "DELETE" && o.path === "/workspaces/{id}"));
    operations.sort((a, b) => last(a) - last(b));
    for (const { path, method, op } of operations) {
      const concrete = path.replace(/\{[^}]+\}/g, path.startsWith("/workspaces/") ? workspace.id : id);
      const r = await serve.api(concrete, method === "GET" ? { method } : { method, body: "{}" });
      const status = r.status;
      // An event stream (GET /events) never ends by itself: its status is the answer.
      const streaming = r.headers.get("content-type")?.startsWith("text/event-stream") === true;
      const body = streaming ? (await r.body?.cancel(), "") : await r.text();
      expect([op.operationId, status === 404 || status === 405 || status >= 500]).toEqual([op.operationId, false]);
      // A body route given {} answers 400 only because of the body (a required field), never 404/405.
      if (status === 400) expect(op.requestBody).toBeDefined();
      if (status >= 400) expect(JSON.parse(body)).toHaveProperty("code");
    }

    // The handler's own table (what the router serves) is exactly what the document lists.
    const handler = createHttpHandler(createRealDeps(home.env), { token: "t".repeat(64), tokenFile: "/dev/null", version: "test" });
    const routed = handler.routes.map((r) => `${r.method} ${toOpenApiPath(r.path)}`).sort();
    const documented = operations.map((o) => `${o.method} ${o.path}`).sort();
    expect(routed).toEqual(documented);
    // Paths outside the table are 404 (with the token), methods outside it 405 with Allow.
    expect((await serve.api("/sessionz")).status).toBe(404);
    const wrong = await serve.api("/sessions", { method: "DELETE" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, POST");
  } finally {
    await serve.stop();
  }
}, 30000);
