/**
 * Plugins in container sessions (issue 11, real podman): a session started after
 * `plugin add` has the MCP server registered in its HOME before its agent starts (the
 * entrypoint waits for the synced manifest); a hand-changed version inside the container
 * is drift until `plugin sync`, all through the engine's exec.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { cli, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine, removeContainersOf, withEngine } from "../support/container-engine.ts";
import { packFixturePlugin } from "../support/plugin-fixture.ts";
import { eventually } from "../support/wait.ts";

const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
const SCRIPT = "/home/remote/.remote-plugins/lib/node_modules/demo-plugin/dist/mcp.js";

if (engineMissingReason) console.warn(`skipping plugin container tests: ${engineMissingReason}`);

describe.skipIf(engineMissingReason !== undefined)("plugins in a docker session (real podman)", () => {
  let conf = "";
  let tarball = "";
  let packDir = "";
  const made: string[] = [];
  beforeAll(async () => {
    ({ tarball, dir: packDir } = packFixturePlugin());
    conf = (await prepareEngine()).containersConf;
  }, 180_000);
  afterAll(async () => {
    await removeContainersOf(conf, made);
    rmSync(packDir, { recursive: true, force: true });
  });

  test("a container session started after add has the server from its first prompt; drift inside is seen and synced", async () => {
    using home = tempHome();
    const env = withEngine(home.env, conf);
    succeeded(await cli(env, ["plugin", "add", tarball]));
    // The shell prints what its HOME has the moment it starts: before any prompt.
    const run = await cli(env, ["run", "shell", "--target", "docker", "--image", TEST_IMAGE, "--detach", "--name", "boxed", "--", "--norc", "--noprofile", "-c", "cat ~/.claude.json; echo; cat ~/.codex/config.toml; exec bash --norc --noprofile -i"]);
    succeeded(run);
    const id = run.stdout.trim();
    made.push(id);
    const container = `remote-${id}`;
    const first = await eventually(async () => {
      const out = (await cli(env, ["logs", "boxed"])).stdout;
      return out.includes("[mcp_servers.demo]") && out;
    }, "the session's first output");
    expect(first.replace(/\s+/g, "")).toContain(`"demo":{"command":"node","args":["${SCRIPT}"]}`);
    expect(first).toContain(`command = "node"`);

    const check = async () => {
      const r = await cli(env, ["plugin", "sync", "--check", "--json"]);
      return { code: r.code, rows: (JSON.parse(r.stdout) as { session: string; item: string; status: string; detail: string }[]).filter((row) => row.session === "boxed") };
    };
    expect(await check()).toEqual({ code: 0, rows: [{ session: "boxed", item: "plugin:demo-plugin", status: "ok", detail: "" }, { session: "boxed", item: "mcp:demo", status: "ok", detail: "" }] });

    // By hand, inside the container: another version.
    const edit = await podmanOut(conf, ["exec", container, "sed", "-i", "s/\"version\": \"1.0.0\"/\"version\": \"0.9.0\"/", "/home/remote/.remote-plugins/lib/node_modules/demo-plugin/package.json"]);
    expect(edit.code).toBe(0);
    const drifted = await check();
    expect(drifted.code).toBe(1);
    expect(drifted.rows[0]).toEqual({ session: "boxed", item: "plugin:demo-plugin", status: "version-drift", detail: "want 1.0.0, found 0.9.0" });
    expect((await cli(env, ["ls"])).stdout).toMatch(/boxed\s+shell\s+docker\s+(starting|working|idle) \d+s \(plugin drift\)/);

    const synced = await cli(env, ["plugin", "sync"]);
    succeeded(synced);
    expect(synced.stdout).toMatch(/boxed\s+installed demo-plugin@1.0.0/);
    expect((await check()).code).toBe(0);

    // rm reaches the container too.
    succeeded(await cli(env, ["plugin", "rm", "demo-plugin"]));
    const after = await podmanOut(conf, ["exec", container, "cat", "/home/remote/.claude.json"]);
    expect(JSON.parse(after.stdout)).toEqual({ mcpServers: {} });
    succeeded(await cli(env, ["stop", "boxed"]));
  }, 240_000);
});
