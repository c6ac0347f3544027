import { RemoteError } from "../errors.ts";

/** One MCP server asked for: its name in each CLI's config and the package bin that serves it. */
export type McpRequest = { readonly name: string; readonly bin: string };

/**
 * MCP server names become TOML table keys and JSON keys in five CLIs' files: a plain word
 * keeps every one of those edits simple and the name the same everywhere.
 */
const MCP_NAME = /^[A-Za-z0-9_-]+$/;

export const isMcpName = (name: string) => MCP_NAME.test(name);

/** Parse one `--mcp <name>=<bin>` spec. */
export function parseMcpSpec(spec: string): McpRequest {
  const eq = spec.indexOf("=");
  const name = eq < 0 ? "" : spec.slice(0, eq).trim();
  const bin = eq < 0 ? "" : spec.slice(eq + 1).trim();
  if (!name || !bin) throw new RemoteError("BAD_MCP_SPEC", `Cannot read --mcp '${spec}': expected <name>=<bin>`, "For example --mcp track=track-mcp (the server's name, then the package's bin that serves it).", "usage");
  if (!isMcpName(name)) throw new RemoteError("BAD_MCP_SPEC", `Cannot use MCP server name '${name}': only letters, digits, '-' and '_'`, "Pick a plain name, e.g. --mcp track=track-mcp.", "usage");
  return { name, bin };
}

/** Each `--mcp` in order; the same name twice is refused (which one would win?). */
export function parseMcpSpecs(specs: readonly string[]): McpRequest[] {
  const requests = specs.map(parseMcpSpec);
  const seen = new Set<string>();
  for (const r of requests) {
    if (seen.has(r.name)) throw new RemoteError("BAD_MCP_SPEC", `Cannot register MCP server '${r.name}' twice`, "Give each --mcp its own name.", "usage");
    seen.add(r.name);
  }
  return requests;
}

/**
 * When no --mcp is given: every bin ending in `-mcp` is an MCP server named after the
 * bin without the suffix (track-mcp -> track). Sorted by name, so the manifest is stable.
 */
export function detectMcpBins(bins: Readonly<Record<string, string>>): McpRequest[] {
  return Object.keys(bins)
    .filter((bin) => bin.endsWith("-mcp") && bin.length > 4)
    .map((bin) => ({ name: bin.slice(0, -4).replace(/^@[^/]+\//, ""), bin }))
    .filter((r) => isMcpName(r.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A package.json `bin` field as a map (a string bin is named after the package, without its scope). */
export function binsOf(pkg: { readonly name: string; readonly bin?: unknown }): Record<string, string> {
  if (typeof pkg.bin === "string") return { [pkg.name.replace(/^@[^/]+\//, "")]: pkg.bin };
  if (pkg.bin && typeof pkg.bin === "object") return Object.fromEntries(Object.entries(pkg.bin as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"));
  return {};
}
