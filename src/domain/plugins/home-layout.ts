/**
 * Where plugins live in a session's HOME: an npm-style prefix of our own (so nothing of the
 * person's global npm is touched), with the manifest last applied there beside it.
 */
export const PLUGIN_PREFIX = ".remote-plugins";
/** HOME-relative: the manifest applied last, and its sha256 (a Pod waits for that one at start). */
export const APPLIED_MANIFEST = `${PLUGIN_PREFIX}/manifest.json`;
export const APPLIED_SHA256 = `${PLUGIN_PREFIX}/manifest.sha256`;
export const PLUGIN_BIN_DIR = `${PLUGIN_PREFIX}/bin`;
export const packageDirOf = (pkg: string) => `${PLUGIN_PREFIX}/lib/node_modules/${pkg}`;
/** The suffix of the one backup we keep of a config file before our first change to it. */
export const BACKUP_SUFFIX = ".remote-backup";

/** A bin's script path inside its package, normalised ("./dist/mcp.js" -> "dist/mcp.js"); one leaving the package is refused (undefined). */
export function scriptInPackage(binPath: string): string | undefined {
  const parts: string[] = [];
  for (const part of binPath.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return undefined;
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join("/");
}

/** npm package names: scoped or not, no path tricks (they become directory names in a HOME). */
export const isPackageName = (name: string) => /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i.test(name) && !name.includes("..");

/**
 * $REMOTE_HOME-relative: the desired state's folder (not `plugins/`, which holds the user's
 * hook plugins) and its manifest (a session start looks for it first, with one stat).
 */
export const PLUGIN_STATE_DIR = "plugin-sync";
export const DESIRED_MANIFEST = `${PLUGIN_STATE_DIR}/manifest.json`;
export const DESIRED_SHA256 = `${PLUGIN_STATE_DIR}/manifest.sha256`;
