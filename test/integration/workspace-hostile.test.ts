/**
 * Must show (issue 10): hostile archives are refused with nothing written outside the
 * destination. A fake control plane serves a harmless manifest and an archive mixing its
 * files with generated hostile members; the real pull must refuse every archive that has
 * one, write nothing at all then, and never touch anything beside the destination. The
 * same archives uploaded to the real server are refused with no blob stored.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Server } from "bun";
import { isRemoteError } from "../../src/domain/errors.ts";
import { pullWorkspace } from "../../src/app/workspace/pull.ts";
import { createHttpHandler } from "../../src/app/server/http-handler.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";
import { rawTar, snapshot, type RawMember } from "../support/hostile-tar.ts";
import { seededRandom } from "../support/seed.ts";

const sha256 = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");
const LIMITS = "workspace_max_files = 20\nworkspace_max_bytes = 4096\n";

const home = tempHome("remote-ws-hostile-");
const sandbox = join(home.dir, "sandbox");
const victim = join(sandbox, "victim");
let served: { manifest: Record<string, unknown>; archive: Uint8Array } = { manifest: {}, archive: new Uint8Array() };
let server: Server<undefined>;

beforeAll(() => {
  mkdirSync(join(home.env.REMOTE_HOME as string), { recursive: true });
  writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), LIMITS);
  mkdirSync(victim, { recursive: true });
  writeFileSync(join(victim, "secret.txt"), "do not touch\n");
  writeFileSync(join(sandbox, "beside.txt"), "beside\n");
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => {
      const path = new URL(request.url).pathname;
      const json = (body: unknown) => Response.json(body);
      if (path === "/workspaces/fuzz1") return json({ id: "fuzz1", name: "fuzz", path: "/x", home: "/h", createdAt: "t", updatedAt: "t", version: 1, files: 0, bytes: 0 });
      if (path === "/workspaces/fuzz1/manifest") return json({ version: 1, entries: served.manifest });
      if (path === "/workspaces/fuzz1/archive") return new Response(served.archive as Uint8Array<ArrayBuffer>, { headers: { "x-remote-workspace-version": "1" } });
      return Response.json({ code: "NOT_FOUND", message: "no" }, { status: 404 });
    },
  });
});
afterAll(() => {
  server?.stop(true);
  home[Symbol.dispose]();
});

/** Hostile members, each aimed at something outside the destination (or at our own .remote/.git). */
const hostile = (): Array<() => RawMember[]> => [
  () => [{ path: "../escape.txt", type: "File", data: "x" }],
  () => [{ path: "a/../../escape.txt", type: "File", data: "x" }],
  () => [{ path: join(sandbox, "absolute.txt"), type: "File", data: "x" }],
  () => [{ path: "out", type: "SymbolicLink", linkpath: "../victim" }, { path: "out/owned.txt", type: "File", data: "x" }],
  () => [{ path: "abs", type: "SymbolicLink", linkpath: victim }, { path: "abs/owned.txt", type: "File", data: "x" }],
  () => [{ path: "good.txt", type: "SymbolicLink", linkpath: join(victim, "secret.txt") }],
  () => [{ path: "hard", type: "Link", linkpath: join(victim, "secret.txt") }],
  () => [{ path: "pipe", type: "FIFO" }],
  () => [{ path: "tty", type: "CharacterDevice" }],
  () => [{ path: "disk", type: "BlockDevice" }],
  () => [{ path: ".git/hooks/post-checkout", type: "File", data: "#!/bin/sh\ntouch /tmp/pwned\n", mode: 0o755 }],
  () => [{ path: ".remote/workspace.json", type: "File", data: "{}" }],
  () => [{ path: "big.bin", type: "File", data: "z".repeat(5000) }],
  () => Array.from({ length: 25 }, (_, i) => ({ path: `many/${i}`, type: "File" as const, data: "m" })),
  () => [{ path: "good.txt", type: "File", data: "a different good.txt" }],
  () => [{ path: "sub\\..\\..\\escape", type: "File", data: "x" }],
];

describe("pull refuses hostile archives before writing anything", () => {
  test("generated archives: every one with a hostile member is refused; nothing is written anywhere", async () => {
    const random = seededRandom("workspace hostile archives");
    const pool = hostile();
    const deps = createRealDeps(home.env);
    const before = snapshot(sandbox);
    let refusedCount = 0;
    for (let round = 0; round < 60; round++) {
      const dest = join(sandbox, `dest-${round}`);
      mkdirSync(dest);
      const benign: RawMember[] = [
        { path: "good.txt", type: "File", data: "good" },
        { path: "dir/inner.txt", type: "File", data: "inner" },
      ];
      served.manifest = {
        "good.txt": { type: "file", sha256: sha256("good"), size: 4, mode: 0o644 },
        "dir/inner.txt": { type: "file", sha256: sha256("inner"), size: 5, mode: 0o644 },
      };
      const picks = round === 0 ? [] : Array.from({ length: random.int(1, 3) }, () => pool[random.int(0, pool.length - 1)] as () => RawMember[]);
      const members = [...benign, ...picks.flatMap((make) => make())];
      // Shuffle: a hostile member may come before or after the harmless ones.
      for (let i = members.length - 1; i > 0; i--) {
        const j = random.int(0, i);
        [members[i], members[j]] = [members[j] as RawMember, members[i] as RawMember];
      }
      served.archive = rawTar(members, random.next() < 0.5);
      const outcome = await pullWorkspace({ ...deps, cwd: dest }, { id: "fuzz1", remote: server.url.href }).then(
        () => "pulled",
        (error: unknown) => (isRemoteError(error) ? error.code : `unexpected ${String(error)}`),
      );
      if (picks.length === 0) {
        expect(outcome).toBe("pulled");
        expect(snapshot(dest)).toMatchObject({ "good.txt": "good", "dir/inner.txt": "inner" });
        continue;
      }
      expect(["ARCHIVE_REFUSED", "ARCHIVE_TOO_LARGE", "WORKSPACE_MOVED"]).toContain(outcome);
      // Refused means untouched: not even the link was written.
      expect(readdirSync(dest)).toEqual([]);
      refusedCount++;
    }
    expect(refusedCount).toBe(59);
    // Nothing beside the destinations changed (the victim, the files next to them).
    const after = snapshot(sandbox);
    for (const key of Object.keys(after)) if (key.startsWith("dest-")) delete after[key];
    expect(after).toEqual(before);
  }, 60_000);

  test("a manifest naming paths outside the folder is refused before any download", async () => {
    const dest = join(sandbox, "dest-manifest");
    mkdirSync(dest);
    served.manifest = { "../escape.txt": { type: "file", sha256: sha256("x"), size: 1, mode: 0o644 } };
    const error = await pullWorkspace({ ...createRealDeps(home.env), cwd: dest }, { id: "fuzz1", remote: server.url.href }).catch((e: unknown) => e);
    expect(isRemoteError(error) && error.code).toBe("REMOTE_BAD_RESPONSE");
    served.manifest = { evil: { type: "link", target: "/etc" } };
    const link = await pullWorkspace({ ...createRealDeps(home.env), cwd: dest }, { id: "fuzz1", remote: server.url.href }).catch((e: unknown) => e);
    expect(isRemoteError(link) && link.code).toBe("ARCHIVE_REFUSED");
    expect(readdirSync(dest)).toEqual([]);
  });
});

test("a pull never writes through a symlink already in the folder (one pointing out of it is not even scanned)", async () => {
  const dest = join(sandbox, "dest-with-link");
  mkdirSync(join(dest, ".remote"), { recursive: true });
  writeFileSync(join(dest, ".remote", "workspace.json"), JSON.stringify({ remote: server.url.href, workspaceId: "fuzz1", path: dest, home: home.dir }));
  symlinkSync(victim, join(dest, "lib"));
  served.manifest = { "lib/owned.txt": { type: "file", sha256: sha256("x"), size: 1, mode: 0o644 } };
  served.archive = rawTar([{ path: "lib/owned.txt", type: "File", data: "x" }]);
  const before = snapshot(victim);
  const error = await pullWorkspace({ ...createRealDeps(home.env), cwd: dest }, {}).catch((e: unknown) => e);
  expect(isRemoteError(error) && error.code).toBe("WORKSPACE_CONFLICT");
  expect(String((error as Error).message)).toContain("its folder 'lib' is a link");
  expect(snapshot(victim)).toEqual(before);
});

test("the control plane refuses the same archives on upload and stores no blob", async () => {
  using srv = tempHome("remote-ws-hostile-srv-");
  mkdirSync(srv.env.REMOTE_HOME as string, { recursive: true });
  writeFileSync(join(srv.env.REMOTE_HOME as string, "config.toml"), LIMITS);
  const deps = createRealDeps(srv.env);
  const handler = createHttpHandler(deps, { token: "t".repeat(64), tokenFile: "/dev/null", version: "test", logLine: () => {} });
  const call = (path: string, init: RequestInit = {}) =>
    handler.fetch(new Request(`http://127.0.0.1${path}`, { ...init, headers: { authorization: `Bearer ${"t".repeat(64)}`, host: "127.0.0.1", ...(init.headers as Record<string, string>) } }), {} as never) as Promise<Response>;
  const created = (await (await call("/workspaces", { method: "POST", body: JSON.stringify({ path: "/w" }) })).json()) as { id: string };
  const holder = "h".repeat(32);
  expect((await call(`/workspaces/${created.id}/lock`, { method: "POST", body: JSON.stringify({ holder }) })).status).toBe(200);
  let accepted = 0;
  for (const make of hostile()) {
    const response = await call(`/workspaces/${created.id}/archive`, { method: "PUT", body: rawTar([{ path: "ok.txt", type: "File", data: "ok" }, ...make()]) as Uint8Array<ArrayBuffer>, headers: { "x-remote-lock": holder } });
    const body = (await response.json()) as { code: string };
    // "good.txt" alone (a file, or a link inside) is harmless on upload: the server stores blobs by hash, never paths.
    if (response.status === 200) {
      accepted++;
      continue;
    }
    expect([400, 413]).toContain(response.status);
    expect(["ARCHIVE_REFUSED", "ARCHIVE_TOO_LARGE"]).toContain(body.code);
  }
  const blobsDir = join(srv.env.REMOTE_HOME as string, "blobs");
  const stored = (() => {
    try {
      return readdirSync(blobsDir, { recursive: true }).filter((name) => String(name).includes("/")).length;
    } catch {
      return 0;
    }
  })();
  // One archive is harmless on upload (a plain good.txt): only its two files were stored.
  expect(accepted).toBe(1);
  expect(stored).toBe(2);
});
