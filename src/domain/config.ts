import { z } from "zod";
import { DEFAULT_RETAIN_BYTES } from "./output-window.ts";

/** config.toml in REMOTE_HOME. Unknown keys are kept for later features, never rejected. */
export const ConfigFileSchema = z
  .object({
    retain_bytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).optional(),
    scrollback: z.number().int().min(0).max(1_000_000).optional(),
    /** Largest HTTP request body `remote serve` accepts. */
    max_body_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
    plugins: z.array(z.string()).optional(),
    plugin: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
  })
  .passthrough();
export type ConfigFile = z.infer<typeof ConfigFileSchema>;

export type RemotePaths = {
  readonly home: string;
  readonly configFile: string;
  readonly store: string;
  readonly sessionsDir: string;
  readonly pluginsDir: string;
  readonly socketsDir: string;
  /** Claude Code hook events not yet folded into the store. */
  readonly hookInbox: string;
};

export type RemoteConfig = {
  readonly paths: RemotePaths;
  readonly retainBytes: number;
  readonly scrollback: number;
  /** Absolute plugin module paths, config.toml's list first, then REMOTE_HOME/plugins. */
  readonly plugins: readonly string[];
  readonly pluginOptions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** `remote serve`: the largest request body it reads (413 beyond). */
  readonly maxBodyBytes: number;
};

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Unix socket paths are limited to ~104-108 bytes: fall back to a short per-home dir. */
export const MAX_SOCKET_PATH = 100;

export function pathsFor(home: string, shortSocketDir: string): RemotePaths {
  const socketsDir = `${home}/sock`;
  return {
    home,
    configFile: `${home}/config.toml`,
    store: `${home}/remote.db`,
    sessionsDir: `${home}/sessions`,
    pluginsDir: `${home}/plugins`,
    hookInbox: `${home}/hook-inbox`,
    socketsDir: `${socketsDir}/x12345678.sock`.length > MAX_SOCKET_PATH ? shortSocketDir : socketsDir,
  };
}

export const socketPathFor = (paths: RemotePaths, sessionId: string) => `${paths.socketsDir}/${sessionId}.sock`;
export const sessionDirFor = (paths: RemotePaths, sessionId: string) => `${paths.sessionsDir}/${sessionId}`;

export function resolveConfig(paths: RemotePaths, file: ConfigFile, discoveredPlugins: readonly string[]): RemoteConfig {
  return {
    paths,
    retainBytes: file.retain_bytes ?? DEFAULT_RETAIN_BYTES,
    scrollback: file.scrollback ?? 10000,
    plugins: [...(file.plugins ?? []), ...discoveredPlugins],
    pluginOptions: file.plugin ?? {},
    maxBodyBytes: file.max_body_bytes ?? DEFAULT_MAX_BODY_BYTES,
  };
}
