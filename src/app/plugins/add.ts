/**
 * `remote plugin add|rm`: changes the desired manifest. An npm plugin is packed once
 * (`npm pack <spec>`: a registry name, a directory or a .tgz), kept by its sha256, and
 * installed once into $REMOTE_HOME/plugin-sync/store, whose copy every session's HOME gets;
 * its MCP servers are its `*-mcp` bins or the `--mcp name=bin` given. An installer
 * plugin (--curl/--install) only records its command: it runs in each HOME on sync.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import { isPackageName, scriptInPackage } from "../../domain/plugins/home-layout.ts";
import { mcpNameOwner, withoutPlugin, withPlugin, type PluginEntry, type PluginInstall, type PluginMcp } from "../../domain/plugins/manifest.ts";
import { binsOf, detectMcpBins, parseMcpSpecs } from "../../domain/plugins/mcp-spec.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";
import { cachedTarballOf, pluginsDirOf, readDesired, sha256OfText, storePrefixOf, writeDesired } from "./desired.ts";
import { createPluginEvents, type PluginEvents } from "./events.ts";

type AddDeps = Pick<AppDeps, "config" | "npm" | "log" | "importModule">;

export async function pluginAdd(deps: AddDeps, npmSpec: string, mcpSpecs: readonly string[], events: PluginEvents = createPluginEvents(deps)): Promise<PluginEntry> {
  const requests = parseMcpSpecs(mcpSpecs);
  const dir = pluginsDirOf(deps);
  mkdirSync(join(dir, "cache"), { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dir, "cache", "pack-"));
  let entry: PluginEntry;
  try {
    const packed = await deps.npm().pack(npmSpec, staging);
    // The name becomes a directory in every HOME: nothing but an npm name.
    if (!isPackageName(packed.name)) throw new RemoteError("BAD_PLUGIN_NAME", `Cannot add '${npmSpec}': its package name '${packed.name}' is not a valid npm name`, "Fix the package's name in its package.json.", "usage");
    const sha256 = sha256Hex([readFileSync(packed.file)]);
    const tarball = cachedTarballOf(deps, sha256);
    if (!existsSync(tarball)) renameSync(packed.file, tarball);
    const draft: PluginEntry = { pkg: packed.name, version: packed.version, mcp: [], install: { method: "npm", spec: npmSpec }, sha256 };
    const prefix = storePrefixOf(deps, draft);
    const packageDir = join(prefix, "lib", "node_modules", draft.pkg);
    if (!existsSync(join(packageDir, "package.json"))) {
      // Installed beside, then moved into place: a half-made store copy is never used.
      const temp = mkdtempSync(join(dir, "cache", "install-"));
      await deps.npm().install(tarball, temp);
      mkdirSync(join(dir, "store"), { recursive: true, mode: 0o700 });
      rmSync(prefix, { recursive: true, force: true });
      renameSync(temp, prefix);
    }
    const bins = binsOf(JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string; bin?: unknown });
    const mcp = (requests.length > 0 ? requests : detectMcpBins(bins)).map((r): PluginMcp => {
      const script = bins[r.bin] === undefined ? undefined : scriptInPackage(bins[r.bin] as string);
      if (script === undefined) {
        const known = Object.keys(bins);
        throw new RemoteError("MCP_BIN_MISSING", `Cannot register MCP server '${r.name}': ${draft.pkg}@${draft.version} has no bin '${r.bin}'`, known.length > 0 ? `Its bins: ${known.join(", ")}.` : "The package declares no bins.", "usage");
      }
      return { name: r.name, command: "node", args: [realpathSync(join(packageDir, script))], scriptRel: script };
    });
    entry = { ...draft, mcp, bins };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  saveWith(deps, entry);
  await events.emit("plugin:add", { plugin: entry });
  return entry;
}

/** Refuses an MCP name another plugin already registers, then writes the manifest with `entry`. */
function saveWith(deps: Pick<AppDeps, "config">, entry: PluginEntry) {
  const { manifest } = readDesired(deps);
  for (const m of entry.mcp) {
    const owner = mcpNameOwner(manifest, m.name, entry.pkg);
    if (owner) throw new RemoteError("MCP_NAME_TAKEN", `Cannot register MCP server '${m.name}' for '${entry.pkg}': plugin '${owner}' registers it`, `Name it otherwise with --mcp <name>=<bin>, or \`remote plugin rm ${owner}\` first.`, "conflict");
  }
  writeDesired(deps, withPlugin(manifest, entry));
}

/** `--curl <https-url>` / `--install "<shell>"`: checked now (a bad URL fails here, not in every session). */
export async function pluginAddInstaller(deps: Pick<AppDeps, "config" | "log" | "importModule">, name: string, install: PluginInstall, events: PluginEvents = createPluginEvents(deps)): Promise<PluginEntry> {
  if (!isPackageName(name)) throw new RemoteError("BAD_PLUGIN_NAME", `Cannot add plugin '${name}': a name is letters, digits, '.', '_', '-' (an npm-style name)`, "e.g. `remote plugin add mytool --curl https://example.com/install.sh`.", "usage");
  const spec = install.spec?.trim() ?? "";
  if (install.method === "curl") {
    let url: URL | undefined;
    try {
      url = new URL(spec);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:") throw new RemoteError("BAD_INSTALLER_URL", `Cannot use installer URL '${spec}': only https URLs are piped to a shell`, "Give an https:// URL.", "usage");
  } else if (install.method === "script" && spec === "") {
    throw new RemoteError("BAD_INSTALLER", `Cannot add plugin '${name}': --install needs a shell command`, 'e.g. --install "pip install --user mytool".', "usage");
  }
  const entry: PluginEntry = { pkg: name, version: sha256OfText(`${install.method}\n${spec}`).slice(0, 12), mcp: [], install: { method: install.method, spec } };
  saveWith(deps, entry);
  await events.emit("plugin:add", { plugin: entry });
  return entry;
}

/** Drops a plugin from the manifest (the next sync removes it from each HOME); an unknown name is an error naming the known ones. */
export async function pluginRemove(deps: Pick<AppDeps, "config" | "log" | "importModule">, pkg: string, events: PluginEvents = createPluginEvents(deps)): Promise<PluginEntry> {
  const { manifest } = readDesired(deps);
  const entry = manifest.plugins.find((p) => p.pkg === pkg);
  if (!entry) {
    const known = manifest.plugins.map((p) => p.pkg);
    throw new RemoteError("PLUGIN_NOT_FOUND", `Cannot remove plugin '${pkg}': it is not in the manifest`, known.length > 0 ? `Known: ${known.join(", ")}.` : "No plugin is added: `remote plugin ls` lists them.", "not-found");
  }
  writeDesired(deps, withoutPlugin(manifest, pkg));
  await events.emit("plugin:remove", { plugin: entry });
  return entry;
}

/** The desired plugins, by name (`remote plugin ls`). */
export const pluginLs = (deps: Pick<AppDeps, "config">) => readDesired(deps).manifest.plugins;
