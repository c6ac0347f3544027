/**
 * Drift between the desired manifest and what one session's HOME has (SPEC §7), and the
 * config text a sync writes. Pure: the probe that fills `ObservedHome` and the writes are
 * the use case's (src/app/plugins).
 */
import { MCP_CONFIG_FILES, registerMcp, unregisterMcp, type McpClient, type McpConfigFile, type McpServer } from "./mcp-clients.ts";
import type { PluginEntry, PluginManifest } from "./manifest.ts";

export type DriftStatus = "ok" | "version-drift" | "missing" | "mcp-unregistered" | "unreachable";
export type DriftRow = {
  readonly session: string;
  /** "plugin:<pkg>" or "mcp:<name>" (or "*" for an unreachable session). */
  readonly item: string;
  readonly status: DriftStatus;
  /** What differs, for a person ("want 1.2.0, found 1.1.0"); empty when ok. */
  readonly detail: string;
};

/** What a probe found in one HOME. */
export type ObservedHome = {
  /** npm packages in our prefix: name -> version found (absent: not installed). */
  readonly packages: Readonly<Record<string, string>>;
  /** The manifest applied there last (installers are known only by it). */
  readonly applied: PluginManifest;
  /** Each CLI's registered servers (an unreadable file: the reason, as a string). */
  readonly registered: Readonly<Partial<Record<McpClient, Readonly<Record<string, Omit<McpServer, "name"> | undefined>> | string>>>;
  /** Each desired MCP server's script, resolved in that HOME (absent: its package is missing). */
  readonly scripts: Readonly<Record<string, string>>;
};

const isNpm = (p: PluginEntry) => (p.install?.method ?? "npm") === "npm";

/** The version a HOME has of a plugin: the package's for npm, the applied manifest's for an installer. */
export const foundVersion = (p: PluginEntry, observed: ObservedHome): string | undefined => (isNpm(p) ? observed.packages[p.pkg] : observed.applied.plugins.find((a) => a.pkg === p.pkg && !isNpm(a))?.version);

/** The server each desired MCP should be registered as in that HOME (node + its script's realpath there). */
export function wantedServers(desired: PluginManifest, scripts: Readonly<Record<string, string>>): McpServer[] {
  return desired.plugins.flatMap((p) => p.mcp.flatMap((m) => (scripts[m.name] === undefined ? [] : [{ name: m.name, command: "node", args: [scripts[m.name] as string] }])));
}

export function diffHome(session: string, desired: PluginManifest, observed: ObservedHome): DriftRow[] {
  const rows: DriftRow[] = [];
  const row = (item: string, status: DriftStatus, detail = "") => rows.push({ session, item, status, detail });
  for (const p of desired.plugins) {
    const found = foundVersion(p, observed);
    if (found === undefined) row(`plugin:${p.pkg}`, "missing", isNpm(p) ? "not installed" : `installer not run (${p.install?.method})`);
    else if (found !== p.version) row(`plugin:${p.pkg}`, "version-drift", `want ${p.version}, found ${found}`);
    else row(`plugin:${p.pkg}`, "ok");
    for (const m of p.mcp) {
      const script = observed.scripts[m.name];
      const missingIn = MCP_CONFIG_FILES.filter((f) => !registeredAs(observed.registered[f.client], m.name, script)).map((f) => f.client);
      if (missingIn.length === 0) row(`mcp:${m.name}`, "ok");
      else row(`mcp:${m.name}`, "mcp-unregistered", `not registered for ${missingIn.join(", ")}`);
    }
  }
  // What we put there before and is no longer wanted: still drift, until a sync removes it.
  for (const a of observed.applied.plugins) {
    if (desired.plugins.some((p) => p.pkg === a.pkg)) continue;
    const found = foundVersion(a, observed);
    if (found !== undefined) row(`plugin:${a.pkg}`, "version-drift", `removed from the manifest, still installed (${found})`);
  }
  return rows;
}

function registeredAs(registered: Readonly<Record<string, Omit<McpServer, "name"> | undefined>> | string | undefined, name: string, script: string | undefined): boolean {
  if (registered === undefined || typeof registered === "string") return false;
  const entry = registered[name];
  if (entry === undefined) return false;
  // Without the package there is no script to point at: the name being there is all we can check.
  return script === undefined || (entry.command === "node" && entry.args.length === 1 && entry.args[0] === script);
}

export const unreachableRow = (session: string, why: string): DriftRow => ({ session, item: "*", status: "unreachable", detail: why });

export const isDrift = (row: DriftRow) => row.status !== "ok";

/**
 * A config file's text after a sync: every wanted server registered, every server we
 * registered before and no longer want removed (the person's own servers are never
 * touched). The same string back when the file is already right.
 */
export function nextConfigText(file: McpConfigFile, text: string | undefined, wanted: readonly McpServer[], stale: readonly string[]): string | undefined {
  let next = text;
  for (const name of stale) next = unregisterMcp(file, next, name);
  for (const server of wanted) next = registerMcp(file, next, server);
  return next;
}

/** MCP names of the applied manifest that the desired one no longer has. */
export const staleMcpNames = (desired: PluginManifest, applied: PluginManifest): string[] => {
  const keep = new Set(desired.plugins.flatMap((p) => p.mcp.map((m) => m.name)));
  return applied.plugins.flatMap((p) => p.mcp.map((m) => m.name)).filter((n) => !keep.has(n));
};
