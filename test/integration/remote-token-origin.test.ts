/**
 * A token belongs to the control plane that issued it. Control plane A (a real `remote
 * serve`) has its token stored here; B is a recording server. Whatever the flags, the
 * environment, a job's target or a redirect, B never sees A's token: every header of
 * every request B got is searched for it. Plain http off loopback is refused before any
 * connection (0.0.0.0 reaches this machine's 127.0.0.1 on Linux, so a broken check would
 * show up as a request recorded by B, not as traffic leaving the machine).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRemoteClient } from "../../src/app/remote/client.ts";
import { openRemoteAttach } from "../../src/app/remote/ws-attach.ts";
import { cli, tempHome } from "../support/cli.ts";
import { startRecordingServer, type RecordingServer } from "../support/recording-server.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";

const serverHome = tempHome("remote-origin-a-");
const me = tempHome("remote-origin-me-");
let a: ServeProcess;
let b: RecordingServer;
/** Answers everything with a redirect to B: a control plane that moved, or was taken over. */
let redirecting: RecordingServer;
const REDIRECTING_TOKEN = "token-of-the-redirecting-server";

beforeAll(async () => {
  a = await startServe(serverHome);
  b = startRecordingServer();
  redirecting = startRecordingServer((request) => new Response(null, { status: 307, headers: { location: `${b.url}${new URL(request.url).pathname}` } }));
  expect((await cli(me.env, ["config", "set", "remote", a.url])).code).toBe(0);
  expect((await cli(me.env, ["config", "set", "token", "-"], { stdin: `${a.token}\n` })).code).toBe(0);
  expect((await cli(me.env, ["config", "set", "token", "-", "--remote", redirecting.url], { stdin: `${REDIRECTING_TOKEN}\n` })).code).toBe(0);
});
afterAll(async () => {
  b?.stop();
  redirecting?.stop();
  await a?.stop();
  serverHome[Symbol.dispose]();
  me[Symbol.dispose]();
});

/** B has never seen A's token, and the requests since `since` carried no Authorization at all. */
const expectNoTokenAtB = (since: number) => {
  expect(b.carrying(a.token)).toEqual([]);
  expect(b.requests.slice(since).filter((r) => r.headers.authorization !== undefined).map((r) => `${r.method} ${r.path}`)).toEqual([]);
};

test("the stored token works where it belongs: A answers with it", async () => {
  const ls = await cli(me.env, ["ls", "--json"]);
  expect([ls.code, ls.stderr]).toEqual([0, ""]);
  expect(JSON.parse(ls.stdout)).toEqual([]);
});

describe("A's token never reaches B", () => {
  /** A second client whose configured remote is B. */
  let other: ReturnType<typeof tempHome>;
  afterAll(() => other?.[Symbol.dispose]());

  // `reaches`: the command gets as far as a request to B, so B's log proves the path was taken.
  const cases: Array<{ what: string; env: () => Record<string, string>; args: () => string[]; reaches: boolean }> = [
    { what: "ls --remote B", env: () => me.env, args: () => ["ls", "--json", "--remote", b.url], reaches: true },
    { what: "stop --remote B", env: () => me.env, args: () => ["stop", "x", "--remote", b.url], reaches: true },
    { what: "rename --remote B", env: () => me.env, args: () => ["rename", "x", "y", "--remote", b.url], reaches: true },
    { what: "send --remote B", env: () => me.env, args: () => ["send", "x", "hello", "--remote", b.url], reaches: true },
    { what: "logs --remote B", env: () => me.env, args: () => ["logs", "x", "--remote", b.url], reaches: true },
    { what: "attach --remote B", env: () => me.env, args: () => ["attach", "x", "--remote", b.url], reaches: false },
    { what: "run --remote B", env: () => me.env, args: () => ["run", "shell", "--detach", "--remote", b.url], reaches: true },
    { what: "smoke --remote B", env: () => me.env, args: () => ["smoke", "shell", "--remote", b.url], reaches: true },
    { what: "an explicit ref B:x", env: () => me.env, args: () => ["stop", `${b.url}:x`], reaches: true },
    { what: "REMOTE_URL=B with A's token stored", env: () => ({ ...me.env, REMOTE_URL: b.url }), args: () => ["ls", "--json"], reaches: true },
    { what: "REMOTE_URL=B, logs of a name not found here", env: () => ({ ...me.env, REMOTE_URL: b.url }), args: () => ["logs", "x"], reaches: true },
    { what: "REMOTE_TOKEN=A's without REMOTE_URL, --remote B", env: () => ({ ...me.env, REMOTE_TOKEN: a.token }), args: () => ["ls", "--json", "--remote", b.url], reaches: true },
    { what: "REMOTE_URL=A and REMOTE_TOKEN=A's, --remote B", env: () => ({ ...me.env, REMOTE_URL: a.url, REMOTE_TOKEN: a.token }), args: () => ["ls", "--json", "--remote", b.url], reaches: true },
    { what: "REMOTE_TOKEN=A's, config remote = B", env: () => ({ ...other.env, REMOTE_TOKEN: a.token }), args: () => ["ls", "--json"], reaches: true },
  ];

  beforeAll(async () => {
    other = tempHome("remote-origin-other-");
    expect((await cli(other.env, ["config", "set", "remote", b.url])).code).toBe(0);
  });

  for (const c of cases) {
    test(c.what, async () => {
      const before = b.requests.length;
      const r = await cli(c.env(), c.args());
      if (c.reaches) expect(b.requests.length).toBeGreaterThan(before);
      expect(`${r.stdout}${r.stderr}`).not.toContain(a.token);
      expectNoTokenAtB(before);
    });
  }

  test("a job whose target is B: no token of B, no job; B's own token goes to B, A's never", async () => {
    const env = { ...me.env, REMOTE_URL: a.url, REMOTE_TOKEN: a.token };
    const before = b.requests.length;
    const refused = await cli(env, ["delegate", "shell", "echo hi", "--headless", "--remote", b.url]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`no token for that control plane`);
    expect(b.requests.length).toBe(before);

    expect((await cli(me.env, ["config", "set", "token", "-", "--remote", b.url], { stdin: "token-of-b\n" })).code).toBe(0);
    const job = await cli(env, ["delegate", "shell", "echo hi", "--headless", "--remote", b.url]);
    // B is no control plane (it answers 404 to POST /sessions): the job fails to start, having asked B with B's token.
    expect(job.stderr).toContain("failed to start");
    expect(b.requests.length).toBeGreaterThan(before);
    expect(b.carrying("token-of-b").length).toBeGreaterThan(0);
    expect(b.carrying(a.token)).toEqual([]);
  });
});

describe("a redirect carries no token on", () => {
  test("HTTP: the client refuses to follow it and says where it led; B hears nothing", async () => {
    const before = redirecting.requests.length;
    const atB = b.requests.length;
    const ls = await cli(me.env, ["ls", "--json", "--remote", redirecting.url]);
    expect(ls.code).toBe(0);
    expect(ls.stderr).toContain(`Cannot follow the redirect of ${redirecting.url} (307) to ${b.url}/sessions`);
    const stop = await cli(me.env, ["stop", "x", "--remote", redirecting.url]);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toContain("a control plane does not redirect");
    expect(redirecting.requests.length).toBe(before + 2);
    expect(redirecting.carrying(REDIRECTING_TOKEN).length).toBe(2);
    expect(b.requests.length).toBe(atB);
  });

  test("WebSocket: an upgrade answered with a redirect is not followed", async () => {
    const client = createRemoteClient({ url: redirecting.url, token: REDIRECTING_TOKEN });
    const before = redirecting.requests.length;
    const atB = b.requests.length;
    const attach = openRemoteAttach({ client, token: REDIRECTING_TOKEN, ref: "x", clientId: "origin-test", size: { cols: 80, rows: 24 }, random: () => 0, heartbeatMs: 0, connectTimeoutMs: 2000, backoff: { baseMs: 10, capMs: 20 }, onOutput: () => {} });
    const ended = attach.done.catch((error: unknown) => error);
    // The upgrade, then the HTTP probe that tells a dead server from a moved one (also redirected): the attach gives up.
    expect(await ended).toMatchObject({ code: "REMOTE_REDIRECT" });
    const upgrades = redirecting.requests.slice(before).filter((r) => r.headers.upgrade === "websocket");
    expect(upgrades.length).toBeGreaterThanOrEqual(1);
    expect(upgrades[0]?.headers.authorization).toBe(`Bearer ${REDIRECTING_TOKEN}`);
    expect(b.requests.length).toBe(atB);
  });
});

describe("plain http off loopback", () => {
  const offLoopback = () => `http://0.0.0.0:${b.port}`;

  test("is refused before any connection, with the way out in the hint", async () => {
    const before = b.requests.length;
    for (const [env, args] of [
      [me.env, ["ls", "--remote", offLoopback()]],
      [me.env, ["stop", "x", "--remote", offLoopback()]],
      [me.env, ["run", "shell", "--detach", "--remote", offLoopback()]],
      [{ ...me.env, REMOTE_URL: offLoopback() }, ["logs", "x"]],
      [me.env, ["delegate", "shell", "echo hi", "--headless", "--remote", offLoopback()]],
    ] as const) {
      const r = await cli({ ...env }, [...args]);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 2]);
      expect(r.stderr).toContain(`Cannot talk to control plane 'http://0.0.0.0:${b.port}' over plain http`);
      expect(r.stderr).toContain("--insecure");
    }
    // ls lists the local sessions all the same, with the refusal as a warning (the remote came from the environment, not a flag).
    const ls = await cli({ ...me.env, REMOTE_URL: offLoopback() }, ["ls", "--json"]);
    expect([ls.code, JSON.parse(ls.stdout)]).toEqual([0, []]);
    expect(ls.stderr).toContain("warning: Cannot talk to control plane");
    expect(b.requests.length).toBe(before);
  });

  test("--insecure, or the origin in config insecure_remotes, lets it through (with no token: none is stored for it)", async () => {
    const before = b.requests.length;
    const flagged = await cli(me.env, ["ls", "--json", "--remote", offLoopback(), "--insecure"]);
    expect(flagged.code).toBe(0);
    expect(b.requests.length).toBe(before + 1);

    using listed = tempHome("remote-origin-insecure-");
    const home = listed.env.REMOTE_HOME as string;
    expect((await cli(listed.env, ["config", "set", "remote", offLoopback()])).code).toBe(0);
    writeFileSync(join(home, "config.toml"), `remote = "${offLoopback()}"\ninsecure_remotes = ["${offLoopback()}/"]\n`);
    const configured = await cli(listed.env, ["ls", "--json"]);
    expect(configured.code).toBe(0);
    expect(b.requests.length).toBe(before + 2);
    expectNoTokenAtB(before);
  });
});
