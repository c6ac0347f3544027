/**
 * The plugin functions under the seed API's names, from the package entry, on real files:
 * add (npm tarball and installer), ls, sync, sync check, reconcile one session, rm, and the
 * pure MCP helpers.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as api from "../../src/app/api.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";
import { packFixturePlugin } from "../support/plugin-fixture.ts";

const packed = packFixturePlugin();
afterAll(() => rmSync(packed.dir, { recursive: true, force: true }));

test("pluginAdd, pluginAddInstaller, pluginLs, pluginSync, pluginSyncCheck, reconcileSessionPlugins, pluginRemove", async () => {
  using home = tempHome();
  const deps = createRealDeps(home.env);
  const entry = await api.pluginAdd(packed.tarball, [], { deps });
  expect(entry).toMatchObject({ pkg: "demo-plugin", version: "1.0.0", mcp: [{ name: "demo", command: "node", scriptRel: "dist/mcp.js" }], install: { method: "npm", spec: packed.tarball } });
  const marker = await api.pluginAddInstaller("marker", { method: "script", spec: "touch marked" }, { deps });
  expect(marker.version).toMatch(/^[0-9a-f]{12}$/);
  expect((await api.pluginLs({ deps })).map((p) => p.pkg)).toEqual(["demo-plugin", "marker"]);

  // Added, not yet synced: the person's HOME misses both.
  expect((await api.pluginSyncCheck({ deps })).map((r) => r.status)).toEqual(["missing", "mcp-unregistered", "missing"]);
  const lines: string[] = [];
  const report = await api.pluginSync({ deps, announce: (line) => lines.push(line) });
  expect(report.sessions.map((s) => [s.session, s.error])).toEqual([["~", undefined]]);
  expect(lines).toEqual(["running in ~ (~): sh -c touch marked"]);
  expect(existsSync(join(home.dir, "marked"))).toBe(true);
  expect((await api.pluginSyncCheck({ deps })).every((r) => r.status === "ok")).toBe(true);

  const { session } = await api.run({ profile: "shell", detach: true, args: ["--norc", "--noprofile", "-i"], deps });
  expect(await api.reconcileSessionPlugins(session.id, { deps })).toEqual({ reconciled: true, changes: [] });
  expect(await api.reconcileSessionPlugins("nosuchid", { deps })).toMatchObject({ reconciled: false });
  await api.stop(session.id, "test over", deps);

  await api.pluginRemove("demo-plugin", { deps });
  await api.pluginSync({ deps });
  expect(JSON.parse(readFileSync(join(home.dir, ".claude.json"), "utf8"))).toEqual({ mcpServers: {} });
}, 120_000);

test("the pure helpers: parseMcpSpec(s), detectMcpBins, mergeClaudeMcpServers, upsertCodexMcpServer", () => {
  expect(api.parseMcpSpec("track=track-mcp")).toEqual({ name: "track", bin: "track-mcp" });
  expect(api.parseMcpSpecs(["a=x", "b=y"]).map((r) => r.name)).toEqual(["a", "b"]);
  expect(api.detectMcpBins({ track: "cli.js", "track-mcp": "mcp.js" })).toEqual([{ name: "track", bin: "track-mcp" }]);
  const claude = api.mergeClaudeMcpServers('{"theme":"dark"}', "track", "node", ["/p/mcp.js"]);
  expect(JSON.parse(claude)).toEqual({ theme: "dark", mcpServers: { track: { command: "node", args: ["/p/mcp.js"] } } });
  expect(api.mergeClaudeMcpServers(claude, "track", "node", ["/p/mcp.js"])).toBe(claude);
  const toml = api.upsertCodexMcpServer('# mine\nmodel = "o3"\n', "track", "node", ["/p/mcp.js"]);
  expect(toml).toBe('# mine\nmodel = "o3"\n\n[mcp_servers.track]\ncommand = "node"\nargs = [ "/p/mcp.js" ]\n');
  expect(api.upsertCodexMcpServer(toml, "track", "node", ["/p/mcp.js"])).toBe(toml);
});
