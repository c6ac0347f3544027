import { describe, expect, test } from "bun:test";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/adapters/config/load-config.ts";
import { HOST_SERVER_SOCKET } from "../../src/domain/config.ts";
import { createSqliteSessionStore } from "../../src/adapters/store/sqlite-store.ts";
import { createUnixConnector, createUnixSocketServer } from "../../src/adapters/socket/unix-socket.ts";
import { cli, tempHome } from "../support/cli.ts";

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/**
 * A REMOTE_HOME too long for socket paths, and a private TMPDIR standing in for /tmp,
 * so the short socket dirs go to `<TMPDIR>/remote-<uid>/<hash>` and the test never
 * touches the real /tmp. Returns those two dirs, outermost first (none exists yet).
 */
function longHome() {
  const home = tempHome("remote-sockdirs-");
  const shared = join(home.dir, "tmp");
  mkdirSync(shared, { mode: 0o1777 });
  chmodSync(shared, 0o1777);
  home.env.TMPDIR = shared;
  home.env.REMOTE_HOME = join(home.dir, "r".repeat(90));
  const dirs = loadConfig(home.env).paths.socketDirs;
  expect(dirs).toHaveLength(2);
  expect(dirs[0]).toBe(join(shared, `remote-${process.getuid?.() ?? 0}`));
  return { home, outer: dirs[0] as string, inner: dirs[1] as string };
}

const mode = (path: string) => lstatSync(path).mode & 0o7777;

async function expectRefused(env: Record<string, string>, path: string, why: string) {
  const r = await cli(env, ["run", "shell", "--detach", "--", "--norc", "--noprofile", "-i"]);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`Cannot use directory '${path}': ${why}`);
  expect(r.stderr).toContain("remove it");
  expect(r.stderr).toContain("XDG_RUNTIME_DIR");
  // Every command refuses, not only run; none recorded a session.
  const listed = await cli(env, ["ls", "--json"]);
  expect([listed.code, listed.stdout]).toEqual([1, ""]);
  expect(listed.stderr).toContain(`Cannot use directory '${path}'`);
  const db = join(env.REMOTE_HOME as string, "remote.db");
  if (existsSync(db)) {
    const store = createSqliteSessionStore({ path: db });
    expect(store.list()).toEqual([]);
    store.close();
  }
}

describe("socket dirs under a shared place", () => {
  test("made 0700 by us when missing, and the session works from there", async () => {
    const { home, outer, inner } = longHome();
    using _ = home;
    const started = await cli(home.env, ["run", "shell", "--detach", "--name", "s", "--", "--norc", "--noprofile", "-i"]);
    expect({ code: started.code, stderr: started.stderr }).toMatchObject({ code: 0 });
    expect(mode(outer)).toBe(0o700);
    expect(mode(inner)).toBe(0o700);
    // The session's socket and the host server's control socket, both in the private dir.
    expect(readdirSync(inner).filter((f) => f.endsWith(".sock")).sort()).toEqual([`${started.stdout.trim()}.sock`, HOST_SERVER_SOCKET].sort());
    const sent = await cli(home.env, ["send", "s", "echo hi"]);
    expect([sent.code, sent.stderr]).toEqual([0, ""]);
    expect((await cli(home.env, ["stop", "s"])).code).toBe(0);
  });

  test("XDG_RUNTIME_DIR, when set, is the shared place instead of TMPDIR", () => {
    const { home } = longHome();
    using _ = home;
    const runtime = join(home.dir, "run-user");
    const dirs = loadConfig({ ...home.env, XDG_RUNTIME_DIR: runtime }).paths.socketDirs;
    expect(dirs[0]).toBe(join(runtime, `remote-${process.getuid?.() ?? 0}`));
    // A short REMOTE_HOME keeps its sockets at home: nothing in a shared place.
    expect(loadConfig({ ...home.env, REMOTE_HOME: join(home.dir, "r") }).paths.socketDirs).toEqual([join(home.dir, "r", "sock")]);
  });

  test("a pre-created parent with mode 0777 is refused and nothing is written into it", async () => {
    const { home, outer } = longHome();
    using _ = home;
    mkdirSync(outer);
    chmodSync(outer, 0o777);
    await expectRefused(home.env, outer, "its mode is 0777, not 0700");
    expect(readdirSync(outer)).toEqual([]);
    expect(mode(outer)).toBe(0o777);
  });

  test.if(isRoot)("a pre-created parent owned by another user is refused (even at 0700)", async () => {
    const { home, outer } = longHome();
    using _ = home;
    mkdirSync(outer, { mode: 0o700 });
    chownSync(outer, NOBODY, NOBODY);
    await expectRefused(home.env, outer, `it is owned by uid ${NOBODY}, not by us (uid 0)`);
    expect(readdirSync(outer)).toEqual([]);
  });

  test.if(isRoot)("a per-home dir owned by another user inside our parent is refused", async () => {
    const { home, outer, inner } = longHome();
    using _ = home;
    mkdirSync(inner, { recursive: true, mode: 0o700 });
    chmodSync(outer, 0o700);
    chownSync(inner, NOBODY, NOBODY);
    await expectRefused(home.env, inner, `it is owned by uid ${NOBODY}, not by us (uid 0)`);
    expect(readdirSync(inner)).toEqual([]);
  });

  test("a symbolic link in place of the dir is refused, even to a good private dir", async () => {
    const { home, outer } = longHome();
    using _ = home;
    const target = join(home.dir, "elsewhere");
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, outer);
    await expectRefused(home.env, outer, "it is a symbolic link");
    expect(readdirSync(target)).toEqual([]);
  });

  test("the host refuses to listen and a client refuses to connect in a dir that turned unsafe", async () => {
    using home = tempHome("remote-sockdirs-");
    const dir = join(home.dir, "sock");
    const options = { socketDirs: [dir] };
    const server = createUnixSocketServer(options).listen(join(dir, "a.sock"), { open: () => ({}), data: () => {}, drain: () => {}, close: () => {} });
    try {
      expect(mode(dir)).toBe(0o700);
      chmodSync(dir, 0o777);
      await expect(createUnixConnector(options).connect(join(dir, "a.sock"), () => {})).rejects.toMatchObject({ code: "UNSAFE_DIR" });
      expect(() => createUnixSocketServer(options).listen(join(dir, "b.sock"), { open: () => ({}), data: () => {}, drain: () => {}, close: () => {} })).toThrow("its mode is 0777, not 0700");
      expect(readdirSync(dir)).toEqual(["a.sock"]);
    } finally {
      server.stop();
    }
  });
});
