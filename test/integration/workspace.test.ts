/**
 * Workspaces through the real CLI against a real `remote serve` (two data dirs on this
 * machine): push creates and links, incremental pushes send only what changed, git's
 * ignore rules hold, pull materialises into an empty folder, remote changes and
 * deletions arrive, a change on both sides is merged (block: stopped before any write); the lock
 * refuses other holders and a writer whose lease expired.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHttpHandler } from "../../src/app/server/http-handler.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { cli, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { baseOf } from "../support/workspace-base.ts";

const server = tempHome("remote-ws-srv-");
const me = tempHome("remote-ws-me-");
let serve: ServeProcess;
let env: Record<string, string>;

beforeAll(async () => {
  serve = await startServe(server);
  env = { ...me.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
  // A plugin that writes down every workspace event it is given.
  const plugins = join(me.env.REMOTE_HOME as string, "plugins");
  mkdirSync(plugins, { recursive: true });
  writeFileSync(
    join(plugins, "ws-events.ts"),
    `import { appendFileSync } from "node:fs";
export default { name: "ws-events", setup(hooks) {
  for (const name of ["workspace:push", "workspace:pull", "workspace:conflict"]) hooks.hook(name, (e) => appendFileSync(${JSON.stringify(join(me.dir, "events.jsonl"))}, JSON.stringify({ name, ...e }) + "\\n"));
} };\n`,
  );
});
afterAll(async () => {
  await serve?.stop();
  server[Symbol.dispose]();
  me[Symbol.dispose]();
});

const events = () => (existsSync(join(me.dir, "events.jsonl")) ? readFileSync(join(me.dir, "events.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { name: string; workspaceId: string; version: number; filesSent?: number; paths?: string[] }) : []);

const put = (root: string, files: Record<string, string>) => {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), text);
  }
};
const read = (root: string, path: string) => readFileSync(join(root, path), "utf8");
const ws = async (cwd: string, args: string[]) => cli(env, ["workspace", ...args], { cwd });
const jsonOf = <T>(r: { code: number; stdout: string; stderr: string }): T => {
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
type PushJson = { workspaceId: string; filesSent: number; bytesSent: number; filesUnchanged: number; bytesSkipped: number; filesDeleted: number; created: boolean; version: number };

/** A project with git's rules at work: nested .gitignore, a negation, .git/info/exclude, an exec bit, links in and out. */
function makeProject(root: string) {
  mkdirSync(join(root, ".git", "info"), { recursive: true });
  put(root, {
    ".git/info/exclude": "secret.env\n",
    ".git/HEAD": "ref: refs/heads/main\n",
    ".gitignore": "*.log\n!keep.log\nbuild/\n",
    "keep.log": "kept\n",
    "drop.log": "dropped\n",
    "secret.env": "TOKEN=1\n",
    "build/out.js": "built\n",
    "src/main.ts": "console.log(1)\n",
    "src/.gitignore": "gen/\n!important.tmp\n*.tmp\n",
    "src/gen/x.ts": "generated\n",
    "src/a.tmp": "tmp\n",
    "src/important.tmp": "negated? no: the later *.tmp wins\n",
    "docs/readme.md": "# hi\n",
    "bin/run.sh": "#!/bin/sh\necho run\n",
  });
  chmodSync(join(root, "bin/run.sh"), 0o755);
  symlinkSync("src/main.ts", join(root, "main-link"));
  symlinkSync("/etc/hostname", join(root, "outside-link"));
}

describe("remote workspace push", () => {
  test("an unlinked folder gets a workspace and a link; git's ignore rules hold; only changes cross the wire after that", async () => {
    const root = join(me.dir, "project");
    makeProject(root);
    const first = jsonOf<PushJson>(await ws(root, ["push", "--json"]));
    expect(first).toMatchObject({ created: true, filesSent: 6, filesUnchanged: 0, filesDeleted: 0, version: 1 });
    const link = JSON.parse(read(root, ".remote/workspace.json"));
    expect(link).toEqual({ remote: serve.url, workspaceId: first.workspaceId, path: root, home: me.dir });
    // Path parity: the workspace remembers where it lives.
    const record = (await (await serve.api(`/workspaces/${first.workspaceId}`)).json()) as { path: string; home: string };
    expect(record).toMatchObject({ path: root, home: me.dir });

    const manifest = (await (await serve.api(`/workspaces/${first.workspaceId}/manifest`)).json()) as { entries: Record<string, { type: string; mode?: number; target?: string }> };
    // Out: *.log but keep.log, build/, secret.env (info/exclude), src/gen/ and src/*.tmp (nested; the later *.tmp beats !important.tmp), .git, the link out of the tree.
    expect(Object.keys(manifest.entries).sort()).toEqual([".gitignore", "bin/run.sh", "docs/readme.md", "keep.log", "main-link", "src/.gitignore", "src/main.ts"]);
    expect(manifest.entries["bin/run.sh"]).toMatchObject({ type: "file", mode: 0o755 });
    expect(manifest.entries["main-link"]).toEqual({ type: "link", target: "src/main.ts" });
    // The whole workspace downloads as a gzip tar any tar reads (the link kept as a link).
    const archive = await serve.api(`/workspaces/${first.workspaceId}/archive`);
    expect(archive.headers.get("x-remote-workspace-version")).toBe("1");
    const tgz = join(me.dir, "download.tgz");
    writeFileSync(tgz, new Uint8Array(await archive.arrayBuffer()));
    const listing = Bun.spawnSync(["tar", "tzvf", tgz]).stdout.toString();
    expect(listing).toContain("main-link -> src/main.ts");
    expect(listing).toMatch(/-rwxr-xr-x .* bin\/run\.sh/);

    const again = jsonOf<PushJson>(await ws(root, ["push", "--json"]));
    expect(again).toMatchObject({ created: false, filesSent: 0, bytesSent: 0, filesUnchanged: 7, version: 1 });
    expect(again.bytesSkipped).toBeGreaterThan(0);

    writeFileSync(join(root, "src/main.ts"), "console.log(2)\n");
    rmSync(join(root, "docs/readme.md"));
    const edit = await ws(root, ["push", "--json"]);
    expect(jsonOf<PushJson>(edit)).toMatchObject({ filesSent: 1, bytesSent: 15, filesUnchanged: 5, filesDeleted: 1, version: 2 });
    // Piped: no progress bar.
    expect(edit.stderr).not.toContain("\r");

    // Plugins hear of each push that made a version (the one that sent nothing made none).
    const pushed = events().filter((e) => e.name === "workspace:push");
    expect(pushed.map((e) => [e.workspaceId, e.version, e.filesSent])).toEqual([
      [first.workspaceId, 1, 6],
      [first.workspaceId, 2, 1],
    ]);
  }, 60_000);
});

describe("remote workspace pull", () => {
  test("--id into an empty folder materialises the workspace and links it; into a non-empty unlinked folder it is refused", async () => {
    const root = join(me.dir, "origin-pull");
    put(root, { "a.txt": "a\n", "deep/b.txt": "b\n", "x.sh": "#!/bin/sh\n" });
    chmodSync(join(root, "x.sh"), 0o755);
    symlinkSync("deep/b.txt", join(root, "b-link"));
    const { workspaceId } = jsonOf<PushJson>(await ws(root, ["push", "--json"]));

    const copy = join(me.dir, "copy");
    mkdirSync(copy);
    const pulled = await ws(copy, ["pull", "--id", workspaceId]);
    expect(pulled.code).toBe(0);
    expect(read(copy, "a.txt")).toBe("a\n");
    expect(read(copy, "deep/b.txt")).toBe("b\n");
    expect(statSync(join(copy, "x.sh")).mode & 0o777).toBe(0o755);
    expect(lstatSync(join(copy, "b-link")).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(copy, "b-link"))).toBe("deep/b.txt");
    expect(JSON.parse(read(copy, ".remote/workspace.json"))).toMatchObject({ workspaceId, path: copy });

    const busy = join(me.dir, "busy");
    put(busy, { "mine.txt": "mine\n" });
    const refused = await ws(busy, ["pull", "--id", workspaceId]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("not empty");
    expect(existsSync(join(busy, ".remote"))).toBe(false);
    expect(existsSync(join(busy, "a.txt"))).toBe(false);
  }, 60_000);

  test("remote changes and deletions arrive; a change on both sides: block writes nothing, the default writes markers; the base is kept", async () => {
    const here = join(me.dir, "here");
    put(here, { "shared.txt": "v1\n", "gone.txt": "bye\n", "mine.txt": "m1\n", "old/file.txt": "becomes a folder's sibling\n" });
    const { workspaceId } = jsonOf<PushJson>(await ws(here, ["push", "--json"]));
    const there = join(me.dir, "there");
    mkdirSync(there);
    expect((await ws(there, ["pull", "--id", workspaceId])).code).toBe(0);

    // The other side edits, deletes, adds, and turns a file into a folder.
    writeFileSync(join(there, "shared.txt"), "v2 from there\n");
    rmSync(join(there, "gone.txt"));
    rmSync(join(there, "old/file.txt"));
    put(there, { "new/deep.txt": "new\n", "old/file.txt/inside.txt": "was a file\n" });
    expect(jsonOf<PushJson>(await ws(there, ["push", "--json"]))).toMatchObject({ filesSent: 3, filesDeleted: 2 });

    // Here, an unrelated local edit is kept.
    writeFileSync(join(here, "mine.txt"), "m2 (local)\n");
    const pulled = await ws(here, ["pull", "--json"]);
    expect(jsonOf<{ written: number; deleted: number }>(pulled)).toMatchObject({ written: 3, deleted: 2 });
    expect(read(here, "shared.txt")).toBe("v2 from there\n");
    expect(existsSync(join(here, "gone.txt"))).toBe(false);
    expect(read(here, "new/deep.txt")).toBe("new\n");
    expect(read(here, "old/file.txt/inside.txt")).toBe("was a file\n");
    expect(read(here, "mine.txt")).toBe("m2 (local)\n");

    // Both sides change shared.txt: refused, nothing written (not even the other file), base unchanged.
    const baseBefore = baseOf(here);
    writeFileSync(join(there, "shared.txt"), "v3 from there\n");
    writeFileSync(join(there, "new/deep.txt"), "new 2\n");
    expect((await ws(there, ["pull"])).code).toBe(0);
    expect((await ws(there, ["push"])).code).toBe(0);
    writeFileSync(join(here, "shared.txt"), "v3 from here\n");
    // --on-conflict block: refused, nothing written (not even the other file), base unchanged.
    const blocked = await ws(here, ["pull", "--on-conflict", "block"]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("shared.txt (text)");
    expect(read(here, "shared.txt")).toBe("v3 from here\n");
    expect(read(here, "new/deep.txt")).toBe("new\n");
    expect(baseOf(here)).toEqual(baseBefore);
    expect(events().filter((e) => e.name === "workspace:conflict").at(-1)?.paths).toEqual(["shared.txt"]);
    // The default (backup): the line merge writes markers, the other file arrives, exit 1, base still unchanged.
    const conflict = await ws(here, ["pull"]);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain("conflict: shared.txt (text): conflict markers written");
    expect(read(here, "shared.txt")).toBe("<<<<<<< local\nv3 from here\n=======\nv3 from there\n>>>>>>> remote\n");
    expect(read(here, "new/deep.txt")).toBe("new 2\n");
    expect(baseOf(here)).toEqual(baseBefore);
  }, 60_000);
});

describe("remote workspace ls, status, link, rm", () => {
  test("status names local changes and a moved remote; ls lists; link --id links without writing files; rm deletes", async () => {
    const root = join(me.dir, "status");
    put(root, { "a.txt": "a\n" });
    const { workspaceId } = jsonOf<PushJson>(await ws(root, ["push", "--json"]));
    writeFileSync(join(root, "b.txt"), "b\n");
    const status = jsonOf<{ local: { added: number; paths: string[] }; remoteChanged: boolean; workspace: { version: number } }>(await ws(root, ["status", "--json"]));
    expect(status).toMatchObject({ local: { added: 1, paths: ["b.txt"] }, remoteChanged: false, workspace: { version: 1 } });

    const listed = jsonOf<Array<{ id: string; files: number }>>(await ws(root, ["ls", "--json"]));
    expect(listed.find((w) => w.id === workspaceId)).toMatchObject({ files: 1 });

    const other = join(me.dir, "linked");
    mkdirSync(other);
    expect(jsonOf<{ workspaceId: string; remote: string; created: boolean }>(await ws(other, ["link", "--id", workspaceId, "--json"]))).toEqual({ workspaceId, remote: serve.url, created: false });
    expect(existsSync(join(other, "a.txt"))).toBe(false);

    expect((await ws(root, ["rm", workspaceId])).code).toBe(0);
    expect((await serve.api(`/workspaces/${workspaceId}`)).status).toBe(404);
    const gone = await ws(root, ["status"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`Cannot find workspace '${workspaceId}'`);
  }, 60_000);

  test("strict flags: an unknown flag or a missing value is a usage error", async () => {
    const r = await ws(me.dir, ["push", "--jsn"]);
    expect(r.code).toBe(2);
    expect((await ws(me.dir, ["pull", "--id"])).code).toBe(2);
  }, 30_000);
});

describe("the workspace lock (holder-checked, with a TTL)", () => {
  test("others cannot take or release it; a writer whose lease expired cannot commit; the next writer takes it", async () => {
    using home = tempHome("remote-ws-lock-");
    let now = new Date("2026-01-01T00:00:00Z");
    const deps = { ...createRealDeps(home.env), clock: { now: () => now } };
    const token = "t".repeat(64);
    const handler = createHttpHandler(deps, { token, tokenFile: "/dev/null", version: "test", logLine: () => {} });
    const call = async (path: string, init: RequestInit & { holder?: string } = {}) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, host: "127.0.0.1" };
      if (init.holder) headers["x-remote-lock"] = init.holder;
      const response = (await handler.fetch(new Request(`http://127.0.0.1${path}`, { ...init, headers }), {} as never)) as Response;
      const text = await response.text();
      return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
    };
    const { body: created } = await call("/workspaces", { method: "POST", body: JSON.stringify({ path: "/w", home: "/h" }) });
    const id = created.id as string;
    const a = "holder-a".repeat(4);
    const b = "holder-b".repeat(4);
    expect((await call(`/workspaces/${id}/lock`, { method: "POST", body: JSON.stringify({ holder: a, owner: "A", ttlMs: 10_000 }) })).status).toBe(200);
    expect(await call(`/workspaces/${id}/lock`, { method: "POST", body: JSON.stringify({ holder: b, owner: "B" }) })).toMatchObject({ status: 409, body: { code: "WORKSPACE_LOCKED" } });
    expect(await call(`/workspaces/${id}/lock`, { method: "DELETE", holder: b })).toMatchObject({ status: 409, body: { code: "LOCK_NOT_HELD" } });
    expect(await call(`/workspaces/${id}/lock`, { method: "DELETE" })).toMatchObject({ status: 409, body: { code: "LOCK_NOT_HELD" } });
    expect((await call(`/workspaces/${id}`)).body).toMatchObject({ lock: { owner: "A" } });
    expect(JSON.stringify((await call(`/workspaces/${id}`)).body)).not.toContain(a);
    // B cannot write without the lock.
    expect(await call(`/workspaces/${id}/manifest`, { method: "POST", holder: b, body: JSON.stringify({ baseVersion: 0, set: { l: { type: "link", target: "x" } } }) })).toMatchObject({ status: 409, body: { code: "LOCK_NOT_HELD" } });
    expect(await call(`/workspaces/${id}/archive`, { method: "PUT", holder: b, body: new Uint8Array(1024) })).toMatchObject({ status: 409, body: { code: "LOCK_NOT_HELD" } });

    // A's lease runs out: its commit is refused and nothing changes, though nobody took the lock.
    now = new Date(now.getTime() + 10_000);
    expect(await call(`/workspaces/${id}/manifest`, { method: "POST", holder: a, body: JSON.stringify({ baseVersion: 0, set: { l: { type: "link", target: "x" } } }) })).toMatchObject({ status: 409, body: { code: "LOCK_NOT_HELD", message: expect.stringContaining("expired") } });
    expect((await call(`/workspaces/${id}/manifest`)).body).toEqual({ version: 0, entries: {} });

    // B takes it now; A's late release leaves B's lock alone; B commits; a stale base version is refused.
    expect((await call(`/workspaces/${id}/lock`, { method: "POST", body: JSON.stringify({ holder: b, owner: "B" }) })).status).toBe(200);
    expect((await call(`/workspaces/${id}/lock`, { method: "DELETE", holder: a })).status).toBe(409);
    expect((await call(`/workspaces/${id}`)).body).toMatchObject({ lock: { owner: "B" } });
    expect(await call(`/workspaces/${id}/manifest`, { method: "POST", holder: b, body: JSON.stringify({ baseVersion: 0, set: { l: { type: "link", target: "x" } } }) })).toMatchObject({ status: 200, body: { version: 1 } });
    expect(await call(`/workspaces/${id}/manifest`, { method: "POST", holder: b, body: JSON.stringify({ baseVersion: 0, deleted: ["l"] }) })).toMatchObject({ status: 409, body: { code: "WORKSPACE_MOVED" } });
    // A file whose content was never uploaded cannot be committed; a link out of the tree neither.
    expect(await call(`/workspaces/${id}/manifest`, { method: "POST", holder: b, body: JSON.stringify({ baseVersion: 1, set: { f: { type: "file", sha256: "a".repeat(64), size: 1, mode: 0o644 } } }) })).toMatchObject({ status: 400, body: { code: "MANIFEST_REFUSED" } });
    expect(await call(`/workspaces/${id}/manifest`, { method: "POST", holder: b, body: JSON.stringify({ baseVersion: 1, set: { out: { type: "link", target: "../x" } } }) })).toMatchObject({ status: 400, body: { code: "MANIFEST_REFUSED" } });
    // Removing is refused while the lock is live, and allowed once released by its holder.
    expect((await call(`/workspaces/${id}`, { method: "DELETE" })).status).toBe(409);
    expect((await call(`/workspaces/${id}/lock`, { method: "DELETE", holder: b })).status).toBe(204);
    expect((await call(`/workspaces/${id}`, { method: "DELETE" })).status).toBe(204);
  });
});

test("the package API pushes, lists and pulls workspaces like the CLI", async () => {
  const api = await import("../../src/app/api.ts");
  const deps = createRealDeps(env);
  const from = join(me.dir, "api-from");
  put(from, { "x.txt": "api\n" });
  const pushed = await api.pushWorkspace({ cwd: from, deps });
  expect(pushed).toMatchObject({ created: true, filesSent: 1, version: 1 });
  expect((await api.listWorkspaces({ deps })).map((w) => w.id)).toContain(pushed.workspaceId);
  const to = join(me.dir, "api-to");
  mkdirSync(to);
  await expect(api.pullWorkspace({ cwd: to, id: pushed.workspaceId, deps })).resolves.toMatchObject({ written: 1, version: 1 });
  expect(read(to, "x.txt")).toBe("api\n");
  await expect(api.workspaceStatus({ cwd: to, deps })).resolves.toMatchObject({ workspaceId: pushed.workspaceId, remoteChanged: false, local: { added: 0, modified: 0, deleted: 0 } });
}, 30_000);
