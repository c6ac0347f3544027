/**
 * Must-show of issue 11 on this machine (real npm, real files, real sessions): `plugin add`
 * of a packed local package registers its MCP server for every CLI in the person's HOME and
 * in each running session's HOME; a session started later has it before its agent starts;
 * a hand-changed version is `version-drift` (--check exits 1, `ls` marks the session) until
 * `plugin sync`; a corrupt settings file is refused and left byte for byte; a person's own
 * keys and servers survive add and rm; installers are shown and run with sh -c.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../support/cli.ts";
import { packFixturePlugin } from "../support/plugin-fixture.ts";
import { eventually } from "../support/wait.ts";

let tarball = "";
let packDir = "";
beforeAll(() => {
  ({ tarball, dir: packDir } = packFixturePlugin());
});
afterAll(() => rmSync(packDir, { recursive: true, force: true }));

const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, { command: unknown; args?: unknown }>>;
const scriptIn = (home: string) => join(home, ".remote-plugins/lib/node_modules/demo-plugin/dist/mcp.js");
type Row = { session: string; item: string; status: string; detail: string };
const check = async (env: Record<string, string>) => {
  const r = await cli(env, ["plugin", "sync", "--check", "--json"]);
  return { code: r.code, rows: JSON.parse(r.stdout) as Row[] };
};

/** Every CLI's file in `home` registers demo as `node <realpath of the script>`. */
function expectRegistered(home: string) {
  const script = scriptIn(home);
  expect(readJson(join(home, ".claude.json")).mcpServers?.demo).toEqual({ command: "node", args: [script] });
  expect(readJson(join(home, ".gemini/settings.json")).mcpServers?.demo).toEqual({ command: "node", args: [script] });
  expect(readJson(join(home, ".gemini/config/mcp_config.json")).mcpServers?.demo).toEqual({ command: "node", args: [script] });
  expect(readJson(join(home, ".config/opencode/opencode.json")).mcp?.demo).toEqual({ type: "local", command: ["node", script], enabled: true } as never);
  expect(readFileSync(join(home, ".codex/config.toml"), "utf8")).toContain(`[mcp_servers.demo]\ncommand = "node"\nargs = [ "${script}" ]`);
}

describe("plugin add / sync / rm on this machine", () => {
  test("add registers the MCP server for every CLI, keeping the person's own; rm takes out only ours", async () => {
    using home = tempHome();
    const claude = join(home.dir, ".claude.json");
    const mine = `{\n  "numStartups": 3,\n  "mcpServers": {\n    "mine": {\n      "command": "npx",\n      "args": [\n        "my-server"\n      ]\n    }\n  }\n}\n`;
    writeFileSync(claude, mine);
    chmodSync(claude, 0o640);
    mkdirSync(join(home.dir, ".codex"));
    const toml = '# mine\nmodel = "gpt-5"\n\n[mcp_servers.mine]\ncommand = "npx"\n';
    writeFileSync(join(home.dir, ".codex/config.toml"), toml);

    const added = await cli(home.env, ["plugin", "add", tarball]);
    succeeded(added);
    expect(added.stdout).toBe("added demo-plugin@1.0.0 (mcp: demo)\n");
    expectRegistered(home.dir);
    expect(readJson(claude).mcpServers?.mine).toEqual({ command: "npx", args: ["my-server"] });
    expect(readJson(claude).numStartups as unknown).toBe(3);
    // The mode is kept; one backup, of the file as it was before our first change.
    expect(statSync(claude).mode & 0o777).toBe(0o640);
    expect(readFileSync(`${claude}.remote-backup`, "utf8")).toBe(mine);
    expect(readFileSync(join(home.dir, ".codex/config.toml.remote-backup"), "utf8")).toBe(toml);
    // Registered as node + the realpath of the script, never the bin link.
    expect(existsSync(scriptIn(home.dir))).toBe(true);

    const ls = await cli(home.env, ["plugin", "ls", "--json"]);
    expect((JSON.parse(ls.stdout) as { pkg: string; version: string; mcp: { name: string }[] }[]).map((p) => [p.pkg, p.version, p.mcp.map((m) => m.name)])).toEqual([["demo-plugin", "1.0.0", ["demo"]]]);
    expect(await check(home.env)).toEqual({ code: 0, rows: [{ session: "~", item: "plugin:demo-plugin", status: "ok", detail: "" }, { session: "~", item: "mcp:demo", status: "ok", detail: "" }] });

    // Again: nothing changes (idempotent), the backup stays the first one.
    succeeded(await cli(home.env, ["plugin", "add", tarball]));
    expect(readFileSync(`${claude}.remote-backup`, "utf8")).toBe(mine);

    const removed = await cli(home.env, ["plugin", "rm", "demo-plugin"]);
    succeeded(removed);
    expect(readJson(claude).mcpServers).toEqual({ mine: { command: "npx", args: ["my-server"] } });
    // codex's file is edited as text: back to the person's bytes, comments included.
    expect(readFileSync(join(home.dir, ".codex/config.toml"), "utf8")).toBe(toml);
    expect(existsSync(join(home.dir, ".remote-plugins/lib/node_modules/demo-plugin"))).toBe(false);
    expect(readFileSync(`${claude}.remote-backup`, "utf8")).toBe(mine);
    expect((await cli(home.env, ["plugin", "rm", "demo-plugin"])).code).toBe(1);
  }, 120_000);

  test("a corrupt settings file: a clear error, the file byte for byte untouched, the other CLIs still registered", async () => {
    using home = tempHome();
    const corrupt = '{"mcpServers": {"mine": {"command": "x"}, \n';
    writeFileSync(join(home.dir, ".claude.json"), corrupt);
    const r = await cli(home.env, ["plugin", "add", tarball]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot edit '~/.claude.json': it is not valid JSON");
    expect(readFileSync(join(home.dir, ".claude.json"), "utf8")).toBe(corrupt);
    expect(existsSync(join(home.dir, ".claude.json.remote-backup"))).toBe(false);
    expect(readJson(join(home.dir, ".gemini/settings.json")).mcpServers?.demo).toBeDefined();
    const { code, rows } = await check(home.env);
    expect(code).toBe(1);
    expect(rows.find((row) => row.item === "mcp:demo")).toEqual({ session: "~", item: "mcp:demo", status: "mcp-unregistered", detail: "not registered for claude" });
  }, 120_000);

  test("a session started after add has it at start; a hand-changed version drifts until sync", async () => {
    using home = tempHome();
    succeeded(await cli(home.env, ["plugin", "add", tarball]));
    const run = await cli(home.env, ["run", "shell", "--detach", "--with-auth", "--name", "later", "--", "--norc", "--noprofile", "-i"]);
    succeeded(run);
    const id = run.stdout.trim();
    const sessionHome = join(home.env.REMOTE_HOME as string, "sessions", id, "home");
    // Converged before the agent was launched: the files were there when `run` returned.
    expectRegistered(sessionHome);
    // And the session sees them: its plugin's CLI is on its PATH, its HOME has the server.
    succeeded(await cli(home.env, ["send", "later", "demo; grep -c demo-plugin/dist/mcp.js ~/.claude.json", "--enter"]));
    await eventually(async () => /demo plugin cli\s+1\b/.test((await cli(home.env, ["logs", "later"])).stdout), "the plugin's CLI and the registered server, seen from inside the session");

    const pkg = join(sessionHome, ".remote-plugins/lib/node_modules/demo-plugin/package.json");
    writeFileSync(pkg, readFileSync(pkg, "utf8").replace('"version": "1.0.0"', '"version": "0.9.0"'));
    const drifted = await check(home.env);
    expect(drifted.code).toBe(1);
    expect(drifted.rows).toContainEqual({ session: "later", item: "plugin:demo-plugin", status: "version-drift", detail: "want 1.0.0, found 0.9.0" });
    const table = await cli(home.env, ["plugin", "sync", "--check"]);
    expect(table.code).toBe(1);
    expect(table.stdout.split("\n")[0]).toMatch(/^SESSION\s+ITEM\s+STATUS\s+DETAIL$/);
    expect(table.stdout).toMatch(/later\s+plugin:demo-plugin\s+version-drift\s+want 1.0.0, found 0.9.0/);
    const ls = await cli(home.env, ["ls"]);
    // STATE says what the shell is doing (issue 13: working/idle and for how long), then the mark.
    expect(ls.stdout).toMatch(/later\s+shell\s+local\s+(working|idle) \d+[smhd] \(plugin drift\)/);

    const synced = await cli(home.env, ["plugin", "sync"]);
    succeeded(synced);
    expect(synced.stdout).toMatch(/later\s+installed demo-plugin@1.0.0/);
    expect(await check(home.env)).toMatchObject({ code: 0 });
    expect((await cli(home.env, ["ls"])).stdout).not.toContain("plugin drift");
    succeeded(await cli(home.env, ["stop", "later"]));
  }, 120_000);

  test("an installer plugin is shown, then run with sh -c in each HOME; a bad one fails now; user plugins hear plugin events", async () => {
    using home = tempHome();
    // A user plugin that writes down the plugin events it hears.
    const heard = join(home.dir, "heard.log");
    const listener = join(home.dir, "listener.ts");
    writeFileSync(
      listener,
      `import { appendFileSync } from "node:fs";
export default { name: "listener", setup: (hooks) => {
  for (const name of ["plugin:add", "plugin:remove", "plugin:sync", "plugin:drift"]) hooks.hook(name, (e) => appendFileSync(${JSON.stringify(heard)}, name + " " + (e.plugin?.pkg ?? e.session ?? e.rows?.map((r) => r.status).join(",")) + "\\n"));
} };
`,
    );
    mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
    writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), `plugins = [${JSON.stringify(listener)}]\n`);
    const r = await cli(home.env, ["plugin", "add", "marker", "--install", "echo installed > installed-by-plugin"]);
    succeeded(r);
    expect(r.stderr).toContain('each session will run: sh -c "echo installed > installed-by-plugin"');
    expect(r.stderr).toContain("running in ~ (~): sh -c echo installed > installed-by-plugin");
    expect(readFileSync(join(home.dir, "installed-by-plugin"), "utf8")).toBe("installed\n");
    expect((await check(home.env)).rows).toEqual([{ session: "~", item: "plugin:marker", status: "ok", detail: "" }]);

    const http = await cli(home.env, ["plugin", "add", "x", "--curl", "http://example.com/install.sh"]);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain("only https URLs are piped to a shell");
    const both = await cli(home.env, ["plugin", "add", "x", "--curl", "https://example.com/i.sh", "--install", "true"]);
    expect(both.code).toBe(2);
    const failing = await cli(home.env, ["plugin", "add", "broken", "--install", "echo nope >&2; exit 3"]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("its installer exited with code 3 (nope)");
    expect((await check(home.env)).code).toBe(1);
    succeeded(await cli(home.env, ["plugin", "rm", "broken"]));
    expect(readFileSync(heard, "utf8")).toBe(["plugin:add marker", "plugin:sync ~", "plugin:add broken", "plugin:drift missing", "plugin:remove broken", ""].join("\n"));
  }, 120_000);

  test("--mcp names a server by bin; a bin the package lacks is a usage error listing its bins", async () => {
    using home = tempHome();
    const named = await cli(home.env, ["plugin", "add", tarball, "--mcp", "first=demo-mcp", "--mcp", "second=demo-mcp"]);
    succeeded(named);
    expect(named.stdout).toBe("added demo-plugin@1.0.0 (mcp: first, second)\n");
    expect(Object.keys(readJson(join(home.dir, ".claude.json")).mcpServers ?? {})).toEqual(["first", "second"]);
    const missing = await cli(home.env, ["plugin", "add", tarball, "--mcp", "x=nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("has no bin 'nope'");
    expect(missing.stderr).toContain("Its bins: demo, demo-mcp");
  }, 120_000);
});
