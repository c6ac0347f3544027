import { pathsFor, resolveConfig, type RemoteConfig } from "../../domain/config.ts";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import { lstatFacts, nodeFs, pathExists, readTextIfThere } from "../../shared/quick-fs.ts";
import { childPath, resolvePath } from "../../shared/quick-path.ts";
import { checkPrivateDirs } from "../system/private-dir.ts";

const PLUGIN_FILE = /\.(ts|js|mjs)$/;

/** The one place that reads REMOTE_HOME and config.toml. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): RemoteConfig {
  // node:os only when HOME is unset: loading it costs every start.
  const home = resolvePath(env.REMOTE_HOME || childPath(childPath(env.HOME || (require("node:os") as typeof import("node:os")).homedir(), ".config"), "remote"));
  // Made when it is not a directory already (then node:fs is loaded: a first run, or a link to follow).
  if (!lstatFacts(home)?.isDirectory) nodeFs().mkdirSync(home, { recursive: true, mode: 0o700 });
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  // Sockets of a long REMOTE_HOME go to a short dir: the per-user runtime dir when there is one, else TMPDIR or /tmp.
  const shared = resolvePath([env.XDG_RUNTIME_DIR, env.TMPDIR].find((dir) => dir !== undefined && dir.startsWith("/")) ?? "/tmp");
  const perUser = childPath(shared, `remote-${uid}`);
  const paths = pathsFor(home, [perUser, childPath(perUser, new Bun.CryptoHasher("sha256").update(home).digest("hex").slice(0, 12))]);
  // Refuse early (every command) a socket dir someone else made; the host creates missing ones.
  checkPrivateDirs(paths.socketDirs);

  let file = {};
  if (pathExists(paths.configFile)) {
    let raw: unknown;
    try {
      // smol-toml too is loaded only when there is a file to read.
      const { parse } = require("smol-toml") as typeof import("smol-toml");
      raw = parse(readTextIfThere(paths.configFile) ?? nodeFs().readFileSync(paths.configFile, "utf8"));
    } catch (error) {
      throw new RemoteError("CONFIG_INVALID", `Cannot read config '${paths.configFile}': ${errorMessage(error)}`, "Fix the TOML syntax or move the file aside.", "corrupt");
    }
    // Loaded here, not at the top: importing zod costs a quick command a third of its start-up.
    const { ConfigFileSchema } = require("../../domain/config-file.ts") as typeof import("../../domain/config-file.ts");
    const parsed = ConfigFileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RemoteError("CONFIG_INVALID", `Cannot use config '${paths.configFile}': ${issue?.path.join(".")}: ${issue?.message}`, "Fix that key or remove it.", "corrupt");
    }
    file = parsed.data;
  }
  const discovered = pathExists(paths.pluginsDir)
    ? nodeFs()
        .readdirSync(paths.pluginsDir)
        .filter((name) => PLUGIN_FILE.test(name))
        .sort()
        .map((name) => childPath(paths.pluginsDir, name))
    : [];
  const config = resolveConfig(paths, file, discovered);
  return { ...config, plugins: config.plugins.map((p) => (p.startsWith("/") ? p : (require("node:path") as typeof import("node:path")).resolve(home, p))) };
}
