import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import type { AttachData } from "../../src/app/server/attach-relay.ts";
import { createHttpHandler } from "../../src/app/server/http-handler.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");

test("credentials land 0600 in the session's own HOME, unchanged bundles are skipped, paths cannot escape it", async () => {
  using home = tempHome("remote-serve-creds-");
  const deps = createRealDeps(home.env);
  const token = "c".repeat(64);
  const lines: string[] = [];
  const handler = createHttpHandler(deps, { token, tokenFile: "/dev/null", version: "test", logLine: (line) => lines.push(line) });
  const server: Server<AttachData> = Bun.serve<AttachData>({ hostname: "127.0.0.1", port: 0, fetch: (r, s) => handler.fetch(r, s) as Promise<Response>, websocket: handler.websocket });
  const call = async (path: string, body: unknown) => {
    const r = await fetch(`${server.url.origin}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  try {
    const secret = "sk-very-secret-credential-content";
    const created = await call("/sessions", { profile: "shell", displayName: "creds", startupArgs: ["--norc", "--noprofile", "-i"], credentials: { ".claude/.credentials.json": b64(`{"token":"${secret}"}`) }, metadata: { ticket: 7 } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const dir = join(home.env.REMOTE_HOME as string, "sessions", id, "home");
    const file = join(dir, ".claude", ".credentials.json");
    expect(readFileSync(file, "utf8")).toBe(`{"token":"${secret}"}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, ".claude")).mode & 0o777).toBe(0o700);
    expect(deps.store().get(id)?.meta).toMatchObject({ metadata: { ticket: 7 }, home: dir });

    // Same bundle in another key order: same hash, skipped.
    const bundle = { "b.txt": b64("two"), ".claude/.credentials.json": b64(`{"token":"${secret}"}`) };
    const first = await call(`/sessions/${id}/credentials`, { credentials: bundle });
    expect(first).toMatchObject({ status: 200, body: { updated: 2, skipped: false } });
    const again = await call(`/sessions/creds/credentials`, { credentials: { ".claude/.credentials.json": bundle[".claude/.credentials.json"], "b.txt": bundle["b.txt"] } });
    expect(again).toMatchObject({ status: 200, body: { updated: 0, skipped: true, hash: first.body.hash } });
    const changed = await call(`/sessions/${id}/credentials`, { credentials: { ...bundle, "b.txt": b64("three") } });
    expect(changed).toMatchObject({ status: 200, body: { updated: 2, skipped: false } });
    expect(changed.body.hash).not.toBe(first.body.hash);
    expect(readFileSync(join(dir, "b.txt"), "utf8")).toBe("three");

    for (const bad of ["../escape", "/etc/passwd", "a/../../b", "a//b", "./a", "a\\b"]) {
      const r = await call(`/sessions/${id}/credentials`, { credentials: { [bad]: b64("x"), "ok.txt": b64("y") } });
      expect([bad, r.status, r.body.code]).toEqual([bad, 400, "INVALID_CREDENTIAL_PATH"]);
    }
    // All or nothing: the good file next to a bad one was not written.
    expect(existsSync(join(dir, "ok.txt"))).toBe(false);
    expect(existsSync(join(home.env.REMOTE_HOME as string, "sessions", id, "escape"))).toBe(false);
    // A link the agent made in its HOME is never written through.
    const outside = join(home.dir, "outside");
    mkdirSync(outside);
    symlinkSync(outside, join(dir, ".evil"));
    const throughLink = await call(`/sessions/${id}/credentials`, { credentials: { ".evil/x.json": b64("x") } });
    expect(throughLink).toMatchObject({ status: 400, body: { code: "INVALID_CREDENTIAL_PATH" } });
    expect(readdirSync(outside)).toEqual([]);
    // The server's own HOME is never written: a session without credentials cannot be refreshed.
    const plain = await call("/sessions", { profile: "shell", displayName: "plain", startupArgs: ["--norc", "--noprofile", "-i"] });
    const refused = await call(`/sessions/${plain.body.id as string}/credentials`, { credentials: { ".claude/.credentials.json": b64("x") } });
    expect(refused).toMatchObject({ status: 409, body: { code: "NO_SESSION_HOME" } });
    expect(existsSync(join(home.dir, ".claude"))).toBe(false);

    // A bad path in a create request starts no session.
    const badCreate = await call("/sessions", { profile: "shell", credentials: { "../x": b64("x") } });
    expect(badCreate.status).toBe(400);
    expect(deps.store().list()).toHaveLength(2);
    const notBase64 = await call(`/sessions/${id}/credentials`, { credentials: { "a.txt": "%%%" } });
    expect(notBase64).toMatchObject({ status: 400, body: { code: "INVALID_BODY" } });

    // The request log never carries credential content.
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.join("\n")).not.toContain(secret);
    expect(lines.join("\n")).not.toContain(b64(`{"token":"${secret}"}`));
  } finally {
    await server.stop(true);
  }
}, 30000);
