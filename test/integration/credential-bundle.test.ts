import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { cli, ptyClient, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";
import { startServe } from "../support/serve.ts";
import { authStatus, collectProfileAuth, inspectProfileAuth } from "../../src/app/api.ts";
import { createRealDeps } from "../../src/wiring.ts";

const fakeBin = join(repoRoot, "test", "fixtures", "bin");
const SHELL = ["--", "--norc", "--noprofile", "-i"];

/** A person's HOME holding fake credential files (each secret a marker no log may contain). */
function person(prefix: string) {
  const home = tempHome(prefix);
  home.env.PATH = `${fakeBin}:${home.env.PATH}`;
  const put = (relative: string, text: string) => {
    const path = join(home.dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  return { home, env: home.env, put };
}

const modes = (root: string, relative: string) => (statSync(join(root, relative)).mode & 0o777).toString(8);
const sessionHome = (env: Record<string, string>, id: string) => join(env.REMOTE_HOME as string, "sessions", id, "home");

describe("credential bundles: remote auth status|inspect, run --with-auth", () => {
  test("status and inspect show paths, sizes and hashes, never contents; a missing required file is refused with its path, the fix and --no-auth", async () => {
    const { home, env, put } = person("remote-auth-");
    using _ = home;
    const secret = "sk-ant-oat01-7d1f0c9e55";
    put(".claude/.credentials.json", `{"claudeAiOauth":{"accessToken":"${secret}"}}`);
    put(".claude/settings.json", JSON.stringify({ model: "opus", hooks: { SessionStart: [{ hooks: [{ type: "command", command: `echo ${secret}` }] }] } }));

    const status = await cli(env, ["auth", "status", "--json"]);
    expect(status.code).toBe(0);
    const statuses = JSON.parse(status.stdout) as { profile: string; files: { path: string; found: boolean; size?: number; sha256?: string }[]; freshness?: { state: string } }[];
    const claude = statuses.find((s) => s.profile === "claude");
    expect(claude?.freshness).toEqual({ state: "fresh" });
    expect(claude?.files.map((f) => [f.path, f.found])).toEqual([
      [".claude/.credentials.json", true],
      [".claude.json", false],
      [".claude/settings.json", true],
    ]);
    expect(claude?.files[0]?.size).toBe(Buffer.byteLength(`{"claudeAiOauth":{"accessToken":"${secret}"}}`));
    expect(statuses.find((s) => s.profile === "codex")?.freshness?.state).toBe("stale");

    const inspect = await cli(env, ["auth", "inspect", "claude", "--json"]);
    expect(inspect.code).toBe(0);
    const sent = JSON.parse(inspect.stdout) as { hash: string; files: { path: string; mode: string; hooksStripped?: boolean }[] };
    expect(sent.files.map((f) => [f.path, f.mode, f.hooksStripped ?? null])).toEqual([
      [".claude/.credentials.json", "0600", null],
      [".claude/settings.json", "0600", true],
    ]);
    expect(sent.hash).toMatch(/^[0-9a-f]{64}$/);
    const table = await cli(env, ["auth", "inspect", "claude"]);
    expect(table.stdout).toContain(`bundle sha256 ${sent.hash}`);

    const missing = await cli(env, ["auth", "inspect", "codex"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`expected ${join(home.dir, ".codex/auth.json")}`);
    expect(missing.stderr).toContain("`codex login`");
    expect(missing.stderr).toContain("--no-auth");
    const run = await cli(env, ["run", "codex", "--with-auth", "--detach"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("Cannot bundle the codex credentials: the required file is missing");
    expect(JSON.parse((await cli(env, ["ls", "--json"])).stdout)).toEqual([]);

    expect((await cli(env, ["run", "claude", "--with-auth", "--no-auth", "--detach"])).code).toBe(2);
    expect((await cli(env, ["auth", "inspect", "claude", "--with", "gh,awz"])).stderr).toContain("Did you mean --with aws?");

    for (const r of [status, inspect, table, missing, run]) expect(`${r.stdout}${r.stderr}`.includes(secret)).toBe(false);
  }, 60000);

  test("a claude session gets its own HOME: files 0600 in 0700 dirs, settings without hooks, CLAUDE_CONFIG_DIR honoured; a stale login is refused unless --no-preflight", async () => {
    const { home, env, put } = person("remote-auth-claude-");
    using _ = home;
    // The person keeps claude's files elsewhere: they are read from there, and land where the session's claude reads them.
    env.CLAUDE_CONFIG_DIR = join(home.dir, "claude-cfg");
    put("claude-cfg/.credentials.json", '{"token":"sk-cfg-31c9"}');
    put("claude-cfg/settings.json", JSON.stringify({ model: "opus", hooks: { SessionStart: [] } }));

    const stale = await cli({ ...env, FAKE_CLI_AUTH: "expired" }, ["run", "claude", "--with-auth", "--detach"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("`claude auth status` exited 1");
    expect(stale.stderr).toContain("--no-preflight");

    const started = await cli({ ...env, FAKE_CLI_AUTH: "expired" }, ["run", "claude", "--with-auth", "--no-preflight", "--detach"]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    const own = sessionHome(env, id);
    expect(readFileSync(join(own, ".claude/.credentials.json"), "utf8")).toBe('{"token":"sk-cfg-31c9"}');
    expect(JSON.parse(readFileSync(join(own, ".claude/settings.json"), "utf8"))).toEqual({ model: "opus" });
    expect([modes(own, "."), modes(own, ".claude"), modes(own, ".claude/.credentials.json"), modes(own, ".claude/settings.json")]).toEqual(["700", "700", "600", "600"]);
    expect((await cli(env, ["stop", id])).code).toBe(0);
  }, 60000);
});

describe("remote refresh", () => {
  test("pushes changed files into a live session's own HOME (read from inside it), skips an unchanged bundle, --watch prints a line per pass and exits 0 on Ctrl-C; no secret in any log", async () => {
    const { home, env, put } = person("remote-refresh-");
    using _ = home;
    const first = "AKIAFIRST0a1b2c3";
    const second = "AKIASECOND9z8y7x";
    put(".aws/credentials", `[default]\naws_secret_access_key=${first}\n`);
    put(".aws/config", "[default]\nregion=eu-west-3\n");
    const outputs: string[] = [];
    const run = async (args: string[]) => {
      const r = await cli(env, args);
      outputs.push(r.stdout, r.stderr);
      return r;
    };

    // A local session keeps the person's HOME unless asked: --with gives it one of its own.
    const started = await run(["run", "shell", "--with", "aws", "--detach", ...SHELL]);
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    const own = sessionHome(env, id);
    const term = ptyClient(env, [...remoteCommand(), "attach", id], { cols: 200, rows: 40 });
    let n = 0;
    const inside = async (line: string) => {
      const marker = `mark-${++n + 500}`;
      term.type(`${line}; echo "mark-$((${n}+500))"\r`);
      await term.waitFor((_screen, raw) => raw.includes(`${marker}\r\n`), marker);
      return term.raw();
    };
    try {
      const before = await inside('echo "home=[$HOME]"; cat ~/.aws/credentials; stat -c "%a %n" ~/.aws/credentials');
      expect(before).toContain(`home=[${own}]`);
      expect(before).toContain(first);
      expect(before).toContain(`600 ${own}/.aws/credentials`);

      // Unchanged: skipped. A settings file alone does not count (left out of the hash).
      expect((await run(["refresh", id])).stdout).toContain("unchanged");
      put(".aws/config", "[default]\nregion=fr-par\n");
      expect((await run(["refresh", id])).stdout).toContain("unchanged");

      put(".aws/credentials", `[default]\naws_secret_access_key=${second}\n`);
      const refreshed = await run(["refresh", "--all", "--json"]);
      expect(refreshed.code).toBe(0);
      expect(JSON.parse(refreshed.stdout)).toEqual([expect.objectContaining({ id, outcome: "updated", files: 2 })]);
      const after = await inside('cat ~/.aws/credentials; stat -c "%a:%n" ~/.aws/credentials');
      expect(after).toContain(second);
      expect(after).toContain(`600:${own}/.aws/credentials`);
      expect((await run(["refresh", id])).stdout).toContain("unchanged");

      expect((await run(["refresh"])).code).toBe(2);

      // --watch: a line per pass on stderr; Ctrl-C ends it with 0.
      const watch = Bun.spawn([...remoteCommand(), "refresh", "--all", "--watch", "0.005"], { env, cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
      const reader = watch.stderr.getReader();
      let lines = "";
      while ((lines.match(/ refresh: /g) ?? []).length < 2) {
        const { value, done } = await reader.read();
        if (done) break;
        lines += new TextDecoder().decode(value);
      }
      expect(lines).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z refresh: 0 updated · 1 unchanged · 0 failed$/m);
      watch.kill("SIGINT");
      expect(await watch.exited).toBe(0);
      reader.releaseLock();
      outputs.push(lines);
    } finally {
      term.proc.kill();
      await run(["stop", id]);
    }
    // Every log and the store (with its WAL) under REMOTE_HOME; only the session's own HOME may hold the secrets.
    const remoteHome = env.REMOTE_HOME as string;
    const written = (readdirSync(remoteHome, { recursive: true }) as string[]).filter((f) => /\.log$|remote\.db/.test(f) && !f.includes("/home/"));
    const logs = written.map((f) => readFileSync(join(remoteHome, f)).toString("latin1"));
    expect(written).toEqual(expect.arrayContaining([`sessions/${id}/host.log`, "remote.db"]));
    for (const secret of [first, second]) {
      expect(outputs.some((o) => o.includes(secret))).toBe(false);
      expect(logs.some((l) => l.includes(secret))).toBe(false);
    }
    expect(readFileSync(join(own, ".aws/credentials"), "utf8")).toContain(second);
  }, 90000);
});

describe("credentials to a control plane", () => {
  test("run --remote sends the profile's bundle by default (--no-auth: none); refresh --remote pushes a changed one and skips an unchanged one", async () => {
    using server = tempHome("remote-auth-srv-");
    server.env.PATH = `${fakeBin}:${server.env.PATH}`;
    const { home, env, put } = person("remote-auth-me-");
    using _ = home;
    const serve = await startServe(server);
    env.REMOTE_URL = serve.url;
    env.REMOTE_TOKEN = serve.token;
    const first = "sk-remote-first-5b1e";
    const second = "sk-remote-second-77ac";
    put(".claude/.credentials.json", `{"token":"${first}"}`);
    try {
      const started = await cli(env, ["run", "claude", "--remote", serve.url, "--detach"]);
      expect(started.code).toBe(0);
      const id = started.stdout.trim();
      const remoteHome = sessionHome(server.env, id);
      expect(readFileSync(join(remoteHome, ".claude/.credentials.json"), "utf8")).toBe(`{"token":"${first}"}`);
      const bare = await cli(env, ["run", "claude", "--remote", serve.url, "--detach", "--no-auth"]);
      expect(bare.code).toBe(0);

      expect((await cli(env, ["refresh", id, "--remote", serve.url])).stdout).toContain("unchanged");
      put(".claude/.credentials.json", `{"token":"${second}"}`);
      const pushed = await cli(env, ["refresh", "--all", "--remote", serve.url, "--json"]);
      expect(pushed.code).toBe(0);
      // The session started with --no-auth runs with the server's HOME: not written, not a failure.
      expect(JSON.parse(pushed.stdout)).toEqual([expect.objectContaining({ id, outcome: "updated", files: 1 })]);
      expect(readFileSync(join(remoteHome, ".claude/.credentials.json"), "utf8")).toBe(`{"token":"${second}"}`);
      for (const r of [started, bare, pushed]) for (const secret of [first, second]) expect(`${r.stdout}${r.stderr}`.includes(secret)).toBe(false);
      for (const secret of [first, second]) expect(serve.stderr().includes(secret)).toBe(false);
    } finally {
      await serve.stop();
    }
  }, 60000);
});

test("the package API: collectProfileAuth (path -> base64, what POST /sessions takes), inspectProfileAuth, authStatus", async () => {
  const { home, env, put } = person("remote-auth-api-");
  using _ = home;
  put(".codex/auth.json", '{"OPENAI_API_KEY":"sk-api-1"}');
  put(".codex/config.toml", 'model = "o4"\n');
  const deps = createRealDeps(env);
  expect(await collectProfileAuth("codex", { deps })).toEqual({
    ".codex/auth.json": Buffer.from('{"OPENAI_API_KEY":"sk-api-1"}').toString("base64"),
    ".codex/config.toml": Buffer.from('model = "o4"\n').toString("base64"),
  });
  expect((await inspectProfileAuth("codex", { deps })).files.map((f) => [f.path, f.configOnly])).toEqual([
    [".codex/auth.json", false],
    [".codex/config.toml", true],
  ]);
  expect(await authStatus({ profile: "codex", deps })).toEqual([expect.objectContaining({ profile: "codex", freshness: { state: "fresh" } })]);
  await expect(collectProfileAuth("claude", { deps })).rejects.toMatchObject({ code: "CREDENTIALS_MISSING" });
});
