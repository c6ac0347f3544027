/**
 * The desired plugin state in $REMOTE_HOME/plugin-sync: manifest.json (canonical JSON),
 * manifest.sha256 beside it, the packed tarballs (cache/) and one installed copy of each
 * npm plugin (store/<pkg>@<version>-<sha>), which syncs copy into each session's HOME.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DESIRED_MANIFEST, DESIRED_SHA256, PLUGIN_STATE_DIR } from "../../domain/plugins/home-layout.ts";
import { parseManifest, renderManifest, type PluginEntry, type PluginManifest } from "../../domain/plugins/manifest.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";

export const pluginsDirOf = (deps: Pick<AppDeps, "config">) => join(deps.config.paths.home, PLUGIN_STATE_DIR);
const manifestPath = (deps: Pick<AppDeps, "config">) => join(deps.config.paths.home, DESIRED_MANIFEST);

export type Desired = { readonly manifest: PluginManifest; readonly text: string; readonly sha256: string };

export const sha256OfText = (text: string) => sha256Hex([new TextEncoder().encode(text)]);

/** Cheap: a session start asks this first (one stat) and does nothing more when there are no plugins. */
export const hasDesiredPlugins = (deps: Pick<AppDeps, "config">) => existsSync(manifestPath(deps));

export function readDesired(deps: Pick<AppDeps, "config">): Desired {
  const path = manifestPath(deps);
  const manifest = parseManifest(existsSync(path) ? readFileSync(path, "utf8") : undefined, path);
  const text = renderManifest(manifest);
  return { manifest, text, sha256: sha256OfText(text) };
}

export function writeDesired(deps: Pick<AppDeps, "config">, manifest: PluginManifest): Desired {
  const dir = pluginsDirOf(deps);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const text = renderManifest(manifest);
  const sha256 = sha256OfText(text);
  writeFileAtomically(manifestPath(deps), text, 0o644);
  writeFileAtomically(join(deps.config.paths.home, DESIRED_SHA256), `${sha256}\n`, 0o644);
  return { manifest, text, sha256 };
}

/** The installed copy of an npm plugin: an npm prefix (lib/node_modules/<pkg>, bin/) to copy into a HOME's own prefix. */
export const storePrefixOf = (deps: Pick<AppDeps, "config">, entry: PluginEntry) => join(pluginsDirOf(deps), "store", `${entry.pkg.replace("/", "+")}@${entry.version}-${(entry.sha256 ?? "").slice(0, 12)}`);
export const cachedTarballOf = (deps: Pick<AppDeps, "config">, sha256: string) => join(pluginsDirOf(deps), "cache", `${sha256}.tgz`);
