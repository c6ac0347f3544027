/**
 * The desired state of plugins (SPEC §7): one manifest in $REMOTE_HOME, canonical JSON
 * (keys sorted, plugins by name) so equal states are equal bytes and its sha256 is a cheap
 * "same as last time?" signal; a copy of it is written into each session's HOME after a sync.
 */
import { z } from "zod";
import { RemoteError } from "../errors.ts";

/** How a plugin gets into a session: npm (a packed tarball we keep), an https installer piped to sh, or a shell line. */
export type PluginInstall = { readonly method: "npm" | "curl" | "script"; readonly spec?: string | undefined };

/**
 * One MCP server of a plugin. `command` is always "node" and `args` the script's realpath
 * in the HOME it was registered in: some packages guard their entry with an "was I run
 * directly?" check that the npm bin symlink defeats, so the bin name is never registered.
 * `scriptRel` is the script inside the package, to find it again in another HOME.
 */
export type PluginMcp = { readonly name: string; readonly command: string; readonly args: readonly string[]; readonly scriptRel?: string | undefined };

export type PluginEntry = {
  /** The npm package name, or the installer's name. */
  readonly pkg: string;
  /** npm: the package version; an installer: the first 12 hex of its spec's sha256 (a changed spec is a new version). */
  readonly version: string;
  readonly mcp: readonly PluginMcp[];
  readonly install?: PluginInstall | undefined;
  /** npm: the package's bins (name -> script inside the package). */
  readonly bins?: Readonly<Record<string, string>> | undefined;
  /** npm: sha256 of the packed tarball kept in $REMOTE_HOME/plugin-sync/cache. */
  readonly sha256?: string | undefined;
};

export type PluginManifest = { readonly version: 1; readonly plugins: readonly PluginEntry[] };

export const EMPTY_MANIFEST: PluginManifest = { version: 1, plugins: [] };

const entrySchema = z.object({
  pkg: z.string().min(1),
  version: z.string().min(1),
  mcp: z.array(z.object({ name: z.string().min(1), command: z.string().min(1), args: z.array(z.string()), scriptRel: z.string().optional() })),
  install: z.object({ method: z.enum(["npm", "curl", "script"]), spec: z.string().optional() }).optional(),
  bins: z.record(z.string(), z.string()).optional(),
  sha256: z.string().optional(),
});
const manifestSchema = z.object({ version: z.literal(1), plugins: z.array(entrySchema) });

/** Reads a manifest; `where` names the file for the error. Nothing there is an empty manifest. */
export function parseManifest(text: string | undefined, where: string): PluginManifest {
  if (text === undefined || text.trim() === "") return EMPTY_MANIFEST;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw corrupt(where, "it is not JSON");
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) throw corrupt(where, parsed.error.issues[0]?.message ?? "unexpected shape");
  return parsed.data as PluginManifest;
}

const corrupt = (where: string, why: string) =>
  new RemoteError("PLUGIN_MANIFEST_CORRUPT", `Cannot read the plugin manifest '${where}': ${why}`, "Fix or remove the file, then `remote plugin add` again.", "corrupt");

/** JSON with object keys sorted at every depth, 2-space indented, one trailing newline. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return `${JSON.stringify(sort(value), null, 2)}\n`;
}

export const renderManifest = (manifest: PluginManifest) => canonicalJson({ version: 1, plugins: [...manifest.plugins].sort((a, b) => a.pkg.localeCompare(b.pkg)) });

/** The manifest with `entry` in (replacing one of the same name). */
export const withPlugin = (manifest: PluginManifest, entry: PluginEntry): PluginManifest => ({ version: 1, plugins: [...manifest.plugins.filter((p) => p.pkg !== entry.pkg), entry] });

export const withoutPlugin = (manifest: PluginManifest, pkg: string): PluginManifest => ({ version: 1, plugins: manifest.plugins.filter((p) => p.pkg !== pkg) });

/** An MCP server name belongs to one plugin: a second plugin claiming it is refused. */
export function mcpNameOwner(manifest: PluginManifest, name: string, except: string): string | undefined {
  return manifest.plugins.find((p) => p.pkg !== except && p.mcp.some((m) => m.name === name))?.pkg;
}
