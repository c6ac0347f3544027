import { describe, expect, test } from "bun:test";
import { isRemoteError } from "../errors.ts";
import { diffHome, nextConfigText, staleMcpNames, type ObservedHome } from "./drift.ts";
import { scriptInPackage } from "./home-layout.ts";
import { canonicalJson, parseManifest, renderManifest, withoutPlugin, withPlugin, type PluginEntry, type PluginManifest } from "./manifest.ts";
import { MCP_CONFIG_FILES, registeredMcp } from "./mcp-clients.ts";
import { binsOf, detectMcpBins, parseMcpSpec, parseMcpSpecs } from "./mcp-spec.ts";

const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    return isRemoteError(error) ? error.code : String(error);
  }
  return undefined;
};

describe("MCP specs and detection", () => {
  test("--mcp name=bin", () => {
    expect(parseMcpSpec("track=track-mcp")).toEqual({ name: "track", bin: "track-mcp" });
    expect(codeOf(() => parseMcpSpec("track"))).toBe("BAD_MCP_SPEC");
    expect(codeOf(() => parseMcpSpec("=x"))).toBe("BAD_MCP_SPEC");
    expect(codeOf(() => parseMcpSpec("a.b=x"))).toBe("BAD_MCP_SPEC");
    expect(codeOf(() => parseMcpSpecs(["a=x", "a=y"]))).toBe("BAD_MCP_SPEC");
  });
  test("*-mcp bins, named without the suffix, sorted", () => {
    expect(detectMcpBins({ track: "cli.js", "track-mcp": "mcp.js", "b-mcp": "b.js", mcp: "x.js" })).toEqual([
      { name: "b", bin: "b-mcp" },
      { name: "track", bin: "track-mcp" },
    ]);
  });
  test("a string bin is named after the package without its scope", () => {
    expect(binsOf({ name: "@me/tool-mcp", bin: "./dist/x.js" })).toEqual({ "tool-mcp": "./dist/x.js" });
  });
  test("a bin's script stays inside its package", () => {
    expect(scriptInPackage("./dist//mcp.js")).toBe("dist/mcp.js");
    expect(scriptInPackage("../evil.js")).toBeUndefined();
  });
});

const demo: PluginEntry = { pkg: "demo-plugin", version: "1.0.0", mcp: [{ name: "demo", command: "node", args: ["/store/mcp.js"], scriptRel: "dist/mcp.js" }], install: { method: "npm", spec: "demo.tgz" }, bins: { "demo-mcp": "dist/mcp.js" }, sha256: "ab" };
const desired: PluginManifest = { version: 1, plugins: [demo] };
const script = "/h/.remote-plugins/lib/node_modules/demo-plugin/dist/mcp.js";
const allRegistered = Object.fromEntries(MCP_CONFIG_FILES.map((f) => [f.client, { demo: { command: "node", args: [script] } }]));

describe("the manifest", () => {
  test("canonical: keys sorted, plugins by name, so equal states are equal bytes", () => {
    const a = renderManifest(withPlugin(withPlugin({ version: 1, plugins: [] }, demo), { ...demo, pkg: "a" }));
    const b = renderManifest(withPlugin(withPlugin({ version: 1, plugins: [] }, { ...demo, pkg: "a" }), demo));
    expect(a).toBe(b);
    expect(canonicalJson({ b: 1, a: { d: 1, c: 2 } })).toBe('{\n  "a": {\n    "c": 2,\n    "d": 1\n  },\n  "b": 1\n}\n');
    expect(parseManifest(a, "m")).toEqual(JSON.parse(a));
    expect(withoutPlugin(parseManifest(a, "m"), "a").plugins.map((p) => p.pkg)).toEqual(["demo-plugin"]);
  });
  test("a corrupt manifest is refused; none is empty", () => {
    expect(codeOf(() => parseManifest("{", "m"))).toBe("PLUGIN_MANIFEST_CORRUPT");
    expect(codeOf(() => parseManifest('{"version":2,"plugins":[]}', "m"))).toBe("PLUGIN_MANIFEST_CORRUPT");
    expect(parseManifest(undefined, "m").plugins).toEqual([]);
  });
});

describe("drift", () => {
  const observed = (over: Partial<ObservedHome>): ObservedHome => ({ packages: { "demo-plugin": "1.0.0" }, applied: desired, registered: allRegistered, scripts: { demo: script }, ...over });
  test("ok when the package and every CLI's registration match", () => {
    expect(diffHome("s", desired, observed({})).map((r) => r.status)).toEqual(["ok", "ok"]);
  });
  test("version-drift, missing, mcp-unregistered", () => {
    expect(diffHome("s", desired, observed({ packages: { "demo-plugin": "0.9.0" } }))[0]).toEqual({ session: "s", item: "plugin:demo-plugin", status: "version-drift", detail: "want 1.0.0, found 0.9.0" });
    expect(diffHome("s", desired, observed({ packages: {}, scripts: {} }))[0]?.status).toBe("missing");
    const noCodex = diffHome("s", desired, observed({ registered: { ...allRegistered, codex: {} } }))[1];
    expect(noCodex).toEqual({ session: "s", item: "mcp:demo", status: "mcp-unregistered", detail: "not registered for codex" });
    // Registered, but to another script (the bin link, an old path): not the server we want.
    const elsewhere = diffHome("s", desired, observed({ registered: { ...allRegistered, claude: { demo: { command: "demo-mcp", args: [] } } } }))[1];
    expect(elsewhere?.status).toBe("mcp-unregistered");
  });
  test("an installer is known by the manifest applied last", () => {
    const tool: PluginEntry = { pkg: "tool", version: "abc", mcp: [], install: { method: "script", spec: "true" } };
    const want: PluginManifest = { version: 1, plugins: [tool] };
    expect(diffHome("s", want, observed({ applied: { version: 1, plugins: [] } }))[0]?.status).toBe("missing");
    expect(diffHome("s", want, observed({ applied: want }))[0]?.status).toBe("ok");
  });
  test("a removed plugin still installed is drift until synced", () => {
    const rows = diffHome("s", { version: 1, plugins: [] }, observed({}));
    expect(rows).toEqual([{ session: "s", item: "plugin:demo-plugin", status: "version-drift", detail: "removed from the manifest, still installed (1.0.0)" }]);
  });
  test("a sync's config text: wanted servers in, stale ones out, the person's kept", () => {
    const claude = MCP_CONFIG_FILES[0] as (typeof MCP_CONFIG_FILES)[number];
    const text = JSON.stringify({ mcpServers: { mine: { command: "x" }, old: { command: "node", args: ["/o.js"] } } });
    const stale = staleMcpNames(desired, { version: 1, plugins: [{ ...demo, pkg: "old", mcp: [{ name: "old", command: "node", args: [] }] }] });
    const next = nextConfigText(claude, text, [{ name: "demo", command: "node", args: [script] }], stale);
    expect(Object.keys(registeredMcp(claude, next))).toEqual(["mine", "demo"]);
    expect(nextConfigText(claude, next, [{ name: "demo", command: "node", args: [script] }], stale)).toBe(next as string);
  });
});
