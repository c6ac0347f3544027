/**
 * The CLI against a real control plane: config set/get, `--remote` on the session
 * commands, `ls` merging local and remote sessions, smoke, and an attach in a real PTY
 * that survives a cut connection.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "smol-toml";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { eventually } from "../support/wait.ts";

const server = tempHome("remote-cli-srv-");
const local = tempHome("remote-cli-me-");
let serve: ServeProcess;
let proxy: TcpProxy;
/** The client's env with the remote and its token in the environment (the config file route is tested on its own). */
let env: Record<string, string>;

beforeAll(async () => {
  serve = await startServe(server);
  proxy = await startTcpProxy(Number(new URL(serve.url).port));
  env = { ...local.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
});
afterAll(async () => {
  proxy?.stop();
  await serve?.stop();
  server[Symbol.dispose]();
  local[Symbol.dispose]();
});

const unusedPort = () => {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
};

describe("remote config", () => {
  test("set remote keeps the other keys and comments; set token - stores stdin 0600 for that origin; get never prints the token", async () => {
    using me = tempHome("remote-cli-cfg-");
    const home = me.env.REMOTE_HOME as string;
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "config.toml"), "# my settings\nscrollback = 500\n\n[plugin.session-log]\nfile = \"/tmp/x.jsonl\"\n");

    const set = await cli(me.env, ["config", "set", "remote", `${serve.url}/`]);
    expect(set.code).toBe(0);
    const text = readFileSync(join(home, "config.toml"), "utf8");
    expect(text).toContain("# my settings");
    expect(parse(text)).toEqual({ remote: serve.url, scrollback: 500, plugin: { "session-log": { file: "/tmp/x.jsonl" } } });

    const token = await cli(me.env, ["config", "set", "token", "-"], { stdin: `${serve.token}\n` });
    expect(token.code).toBe(0);
    const tokenFile = join(home, "remote-tokens.json");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(tokenFile, "utf8"))).toEqual({ [serve.url]: serve.token });
    expect(`${token.stdout}${token.stderr}`).not.toContain(serve.token);

    const get = await cli(me.env, ["config", "get", "remote"]);
    expect([get.code, get.stdout]).toEqual([0, `${serve.url}\n`]);
    const where = await cli(me.env, ["config", "get", "token"]);
    expect(where.code).toBe(0);
    expect(`${where.stdout}${where.stderr}`).not.toContain(serve.token);

    // With both configured, no flag and no env: ls reaches the remote with the stored token.
    const ls = await cli(me.env, ["ls", "--json"]);
    expect(ls.code).toBe(0);
    expect(ls.stderr).not.toContain("warning");
  });

  test("a token as an argument is refused (argv is visible in ps)", async () => {
    using me = tempHome("remote-cli-cfg2-");
    const r = await cli(me.env, ["config", "set", "token", "s3cret-value"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("stdin");
    expect(r.stderr).not.toContain("s3cret-value");
    expect(existsSync(join(me.env.REMOTE_HOME as string, "remote-tokens.json"))).toBe(false);
  });

  test("a token needs a control plane to belong to; --remote names another one", async () => {
    using me = tempHome("remote-cli-cfg4-");
    const none = await cli(me.env, ["config", "set", "token", "-"], { stdin: "abc\n" });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no control plane to tie it to");
    const other = "http://127.0.0.1:1";
    expect((await cli(me.env, ["config", "set", "remote", serve.url])).code).toBe(0);
    expect((await cli(me.env, ["config", "set", "token", "-", "--remote", other], { stdin: "for-other\n" })).code).toBe(0);
    expect((await cli(me.env, ["config", "set", "token", "-"], { stdin: `${serve.token}\n` })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(me.env.REMOTE_HOME as string, "remote-tokens.json"), "utf8"))).toEqual({ [serve.url]: serve.token, [other]: "for-other" });
    const get = await cli(me.env, ["config", "get", "token", "--remote", other]);
    expect(get.stdout).toContain(`(for ${other})`);
  });

  test("the single token file of earlier versions moves under the configured remote's origin", async () => {
    using me = tempHome("remote-cli-cfg5-");
    const home = me.env.REMOTE_HOME as string;
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, "remote-token"), `${serve.token}\n`, { mode: 0o600 });
    writeFileSync(join(home, "config.toml"), `remote = "${serve.url}/"\n`);
    const ls = await cli(me.env, ["ls", "--json"]);
    expect([ls.code, ls.stderr]).toEqual([0, ""]);
    expect(existsSync(join(home, "remote-token"))).toBe(false);
    expect(JSON.parse(readFileSync(join(home, "remote-tokens.json"), "utf8"))).toEqual({ [serve.url]: serve.token });
    expect(statSync(join(home, "remote-tokens.json")).mode & 0o777).toBe(0o600);
  });

  test("an unknown key or a bad URL is a usage error", async () => {
    using me = tempHome("remote-cli-cfg3-");
    expect((await cli(me.env, ["config", "set", "colour", "blue"])).code).toBe(2);
    expect((await cli(me.env, ["config", "set", "remote", "ftp://h:1"])).code).toBe(2);
  });
});

describe("--remote on session commands", () => {
  test("run --detach, send, logs, rename and stop work on a remote session", async () => {
    const run = await cli(env, ["run", "shell", "--remote", serve.url, "--detach", "--name", "far", "--", "--norc", "--noprofile", "-i"]);
    expect(run.code).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{8}$/);
    // The session lives in the server's store, not ours.
    expect(JSON.parse((await cli(local.env, ["ls", "--json"])).stdout)).toEqual([]);

    expect((await cli(env, ["send", "far", "echo far-$((2+3))", "--enter", "--remote", serve.url])).code).toBe(0);
    const logs = await eventually(async () => {
      const out = (await cli(env, ["logs", "far", "--remote", serve.url])).stdout;
      return out.includes("far-5") && out;
    }, "far-5 in the far session's logs");
    expect(logs).toContain("far-5");

    expect((await cli(env, ["rename", "far", "farther", "--remote", serve.url])).code).toBe(0);
    // No flag: a command that changes things never looks a local miss up on the remote.
    for (const args of [["stop", "farther"], ["rename", "farther", "x"], ["send", "farther", "echo no"], ["attach", "farther"]]) {
      const r = await cli(env, args);
      expect([args[0], r.code]).toEqual([args[0], 1]);
      expect(r.stderr).toContain("Cannot find session 'farther' on this machine");
      expect(r.stderr).toContain(`${new URL(serve.url).host}:farther`);
    }
    // A read-only command may: it says so.
    const peek = await cli(env, ["logs", "farther"]);
    expect(peek.code).toBe(0);
    expect(peek.stderr).toContain(`showing farther from ${new URL(serve.url).host}`);
    // An explicit remote ref: LOCATION:name (as ls prints), or URL:name.
    expect((await cli(env, ["rename", `${serve.url}:farther`, "farthest"])).code).toBe(0);
    const stop = await cli(env, ["stop", `${new URL(serve.url).host}:farthest`, "--json"]);
    expect(stop.code).toBe(0);
    expect(JSON.parse(stop.stdout)).toMatchObject({ id, name: "farthest", state: "exited" });
  });

  test("an unknown remote session exits 1 with the server's message", async () => {
    const r = await cli(env, ["stop", "nope", "--remote", serve.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot find session 'nope'");
  });

  test("a missing token says how to set one", async () => {
    const r = await cli(local.env, ["ls", "--remote", serve.url]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("config set token");
  });
});

describe("remote ls", () => {
  test("lists local and remote sessions together with their location, in the table and in JSON", async () => {
    const here = await cli(local.env, ["run", "shell", "--detach", "--name", "near", "--", "-c", "exec sleep infinity"]);
    const there = await cli(env, ["run", "shell", "--detach", "--name", "yonder", "--remote", serve.url, "--", "-c", "exec sleep infinity"]);
    expect([here.code, there.code]).toEqual([0, 0]);
    const host = new URL(serve.url).host;

    const json = await cli(env, ["ls", "--json", "--remote", serve.url]);
    expect(json.code).toBe(0);
    const rows = (JSON.parse(json.stdout) as Array<{ name: string; location: string; state: string; remote?: string }>).filter((s) => s.state === "running");
    expect(rows.map((s) => [s.name, s.location]).sort()).toEqual([
      ["near", "local"],
      ["yonder", host],
    ]);
    // Which control plane was asked: each remote row says it.
    expect(rows.find((s) => s.name === "yonder")).toMatchObject({ remote: serve.url });
    expect(rows.find((s) => s.name === "near")).not.toHaveProperty("remote");
    // On a terminal, a line on stderr says it too (and where the choice came from).
    const term = ptyClient(env, [...remoteCommand(), "ls"], { cols: 200, rows: 30 });
    await term.waitFor((s) => s.includes(`asked remote ${serve.url} (REMOTE_URL)`), "the line naming the remote asked");
    expect(await term.proc.exited).toBe(0);

    const table = await cli({ ...env, REMOTE_URL: serve.url }, ["ls"]);
    expect(table.stdout.split("\n")[0]).toMatch(/^LOCATION\s+ID\s+NAME/);
    expect(table.stdout).toMatch(new RegExp(`^local\\s+${here.stdout.trim()}\\s+near`, "m"));
    expect(table.stdout).toMatch(new RegExp(`^${host.replace(/\./g, "\\.")}\\s+${there.stdout.trim()}\\s+yonder`, "m"));

    await cli(local.env, ["stop", "near"]);
    await cli(env, ["stop", "yonder", "--remote", serve.url]);
  });

  test("an unreachable remote is a warning: local sessions still list, exit 0", async () => {
    const down = `http://127.0.0.1:${unusedPort()}`;
    const r = await cli(env, ["ls", "--json", "--remote", down]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning:");
    expect(r.stderr).toContain("Cannot reach the control plane");
    expect(Array.isArray(JSON.parse(r.stdout))).toBe(true);
  });
});

describe("remote smoke", () => {
  test("starts a session, sees its terminal, stops it: one line, exit 0", async () => {
    const r = await cli(env, ["smoke", "shell", "--remote", serve.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^smoke ok: shell session [a-z0-9]{8} on 127\.0\.0\.1:\d+: terminal open after \d+ ms, stopped\n$/);
    const id = /session ([a-z0-9]{8})/.exec(r.stdout)?.[1];
    const after = JSON.parse((await cli(env, ["ls", "--json", "--remote", serve.url])).stdout) as Array<{ id: string; state: string }>;
    expect(after.find((s) => s.id === id)?.state).toBe("exited");
  });

  test("fails with exit 1 and the reason: unknown profile, unreachable server", async () => {
    const bad = await cli(env, ["smoke", "nope", "--remote", serve.url]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("smoke failed");
    expect(bad.stderr).toContain("not a known profile");
    const down = await cli(env, ["smoke", "shell", "--remote", `http://127.0.0.1:${unusedPort()}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("Cannot reach the control plane");
  });
});

describe("remote attach over WebSocket", () => {
  test("a real terminal attaches, survives a cut connection, and detaches with Ctrl+P Ctrl+Q", async () => {
    const run = await cli(env, ["run", "shell", "--detach", "--name", "wsterm", "--remote", serve.url, "--", "--norc", "--noprofile", "-i"]);
    expect(run.code).toBe(0);
    // Through the proxy: another origin, so its token comes with REMOTE_URL naming it.
    const term = ptyClient({ ...env, REMOTE_URL: proxy.url }, [...remoteCommand(), "attach", "wsterm", "--remote", proxy.url], { cols: 100, rows: 30 });
    try {
      term.type("echo one-$((1+1))\r");
      await term.waitFor((s) => s.includes("one-2"), "the first echo");
      expect(proxy.cut()).toBeGreaterThanOrEqual(1);
      await term.waitFor((_s, raw) => raw.includes("[reconnecting...]") && raw.includes("[reconnected]"), "the reconnect notice");
      term.type("echo two-$((1+2))\r");
      await term.waitFor((s) => s.includes("two-3"), "output after the reconnect");
      term.resize(90, 20);
      await term.typeUntil("stty size\r", (s) => s.includes("20 90"), "the new size");
      term.type("\x10\x11");
      await term.waitFor((_s, raw) => raw.includes("[detached from wsterm"), "the detach notice");
      expect(await term.proc.exited).toBe(0);
    } finally {
      term.proc.kill("SIGKILL");
    }
    // Typed once each: the session's own history shows every command exactly once.
    const logs = (await cli(env, ["logs", "wsterm", "--remote", serve.url])).stdout;
    expect(logs.match(/two-3/g)?.length).toBe(1);
    await cli(env, ["stop", "wsterm", "--remote", serve.url]);
  });
});
