/**
 * Opt-in (`npm run test:peers`): the real claude, codex and gemini CLIs from npm read what
 * `remote plugin add` wrote. After adding a packed local package with an MCP script, each
 * CLI's own `mcp list`, run with a session's HOME, shows the server as `node <script>`;
 * after `plugin rm` none does. Offline: the package is a local tarball, and listing needs no
 * account (claude connects to the server itself: it is a real MCP server over stdio).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../support/cli.ts";
import { packFixturePlugin } from "../support/plugin-fixture.ts";

const peers = process.env.REMOTE_PEERS_BIN;
const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });

/** `<cli> mcp list` as the session would run it: its HOME, nothing of ours. */
async function mcpList(cliName: string, home: string, cwd: string): Promise<string> {
  const proc = Bun.spawn([join(peers as string, cliName), "mcp", "list"], {
    cwd,
    env: { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", NO_COLOR: "1", TERM: "dumb" },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  expect({ cli: cliName, code, stderr: code === 0 ? "" : stderr }).toEqual({ cli: cliName, code: 0, stderr: "" });
  return stdout + stderr;
}

describe.skipIf(peers === undefined)("the real CLIs list the MCP server a plugin brought (claude, codex, gemini)", () => {
  let tarball = "";
  let packDir = "";
  beforeAll(() => {
    ({ tarball, dir: packDir } = packFixturePlugin());
  });
  afterAll(() => rmSync(packDir, { recursive: true, force: true }));

  test("after plugin add every CLI shows it in a session's HOME; after plugin rm none does", async () => {
    using home = tempHome();
    // The CLIs run in a plain directory: gemini also reads `<cwd>/.gemini/settings.json`, which in the person's HOME is theirs.
    const work = join(home.dir, "work");
    mkdirSync(work);
    succeeded(await cli(home.env, ["plugin", "add", tarball]));
    const run = await cli(home.env, ["run", "shell", "--detach", "--with-auth", "--name", "peer", "--", "--norc", "--noprofile", "-i"]);
    succeeded(run);
    const sessionHome = join(home.env.REMOTE_HOME as string, "sessions", run.stdout.trim(), "home");
    const script = join(sessionHome, ".remote-plugins/lib/node_modules/demo-plugin/dist/mcp.js");

    const claude = await mcpList("claude", sessionHome, work);
    expect(claude).toContain(`demo: node ${script}`);
    // claude started the server and spoke MCP with it.
    expect(claude).toMatch(/demo: node \S+ - ✔ Connected/);
    expect(await mcpList("codex", sessionHome, work)).toMatch(new RegExp(`^demo\\s+node\\s+${script.replace(/[.]/g, "\\.")}`, "m"));
    expect(await mcpList("gemini", sessionHome, work)).toContain(`demo: node ${script} (stdio)`);
    // The person's own HOME (where sessions without one of their own run) too.
    expect(await mcpList("claude", home.dir, work)).toContain(`demo: node ${join(home.dir, ".remote-plugins/lib/node_modules/demo-plugin/dist/mcp.js")}`);

    succeeded(await cli(home.env, ["plugin", "rm", "demo-plugin"]));
    for (const name of ["claude", "codex", "gemini"]) expect(await mcpList(name, sessionHome, work)).not.toContain("demo");
    succeeded(await cli(home.env, ["stop", "peer"]));
  });
});
