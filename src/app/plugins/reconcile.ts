/**
 * One HOME against the desired manifest: `probeHome` reads what is there (packages in our
 * prefix, each CLI's MCP servers, the manifest applied last), `convergeHome` makes it match:
 * installs or replaces drifted packages (a copy of the installed store), runs installers
 * (shown before they run), registers/unregisters MCP servers (one backup of a config file
 * before our first change to it, atomic replace keeping its mode), and writes the applied
 * manifest + its sha256 last (a Pod waits for that file before starting its agent).
 */
import { existsSync } from "node:fs";
import { diffHome, foundVersion, nextConfigText, staleMcpNames, wantedServers, type DriftRow, type ObservedHome } from "../../domain/plugins/drift.ts";
import { APPLIED_MANIFEST, APPLIED_SHA256, BACKUP_SUFFIX, PLUGIN_BIN_DIR, PLUGIN_PREFIX, packageDirOf } from "../../domain/plugins/home-layout.ts";
import type { PluginHomePort } from "../../domain/plugins/home-port.ts";
import { parseManifest, type PluginEntry, type PluginManifest } from "../../domain/plugins/manifest.ts";
import { MCP_CONFIG_FILES, registeredMcp } from "../../domain/plugins/mcp-clients.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { cachedTarballOf, storePrefixOf, type Desired } from "./desired.ts";

const isNpm = (p: PluginEntry) => (p.install?.method ?? "npm") === "npm";

type FileRead = { readonly text: string; readonly mode: number } | undefined;
/** A probe's findings, with the config files as read (a sync edits those very texts). */
type Probe = { readonly observed: ObservedHome; readonly configs: readonly FileRead[]; readonly appliedSha256: string | undefined };

export async function probeHome(home: PluginHomePort, desired: PluginManifest): Promise<ObservedHome> {
  return (await probe(home, desired)).observed;
}

/** Everything in one read: the applied manifest, each package's package.json, each CLI's config. */
async function probe(home: PluginHomePort, desired: PluginManifest): Promise<Probe> {
  const [appliedFile, appliedSha] = await home.readAll([APPLIED_MANIFEST, APPLIED_SHA256]);
  const applied = parseManifest(appliedFile?.text, `${home.label}/${APPLIED_MANIFEST}`);
  const npmNames = [...new Set([...desired.plugins, ...applied.plugins].filter(isNpm).map((p) => p.pkg))];
  const files = await home.readAll([...npmNames.map((pkg) => `${packageDirOf(pkg)}/package.json`), ...MCP_CONFIG_FILES.map((f) => f.path)]);
  const packages: Record<string, string> = {};
  npmNames.forEach((pkg, i) => {
    const found = files[i];
    const version = found && versionOf(found.text);
    if (version) packages[pkg] = version;
  });
  const configs = files.slice(npmNames.length);
  const registered: ObservedHome["registered"] = Object.fromEntries(
    MCP_CONFIG_FILES.map((file, i) => {
      try {
        return [file.client, registeredMcp(file, configs[i]?.text)] as const;
      } catch (error) {
        return [file.client, errorMessage(error)] as const;
      }
    }),
  );
  return { observed: { packages, applied, registered, scripts: await scriptsIn(home, desired) }, configs, appliedSha256: appliedSha?.text.trim() };
}

function versionOf(text: string): string | undefined {
  try {
    const version = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

/** Each desired MCP server's script, resolved in that HOME (never the bin link: SPEC §2). */
async function scriptsIn(home: PluginHomePort, desired: PluginManifest): Promise<Record<string, string>> {
  const scripts: Record<string, string> = {};
  for (const p of desired.plugins.filter(isNpm)) {
    for (const m of p.mcp) {
      const real = m.scriptRel === undefined ? undefined : await home.realpath(`${packageDirOf(p.pkg)}/${m.scriptRel}`);
      if (real !== undefined) scripts[m.name] = real;
    }
  }
  return scripts;
}

export type ConvergeOutcome = { readonly before: DriftRow[]; readonly changes: string[] };

/** The shell argv an installer runs as (fixed scripts; the URL or line is an argument or the script itself, never spliced). */
export function installerArgv(entry: PluginEntry): string[] {
  if (entry.install?.method === "curl") return ["sh", "-c", 'curl -fsSL "$0" | sh', entry.install.spec ?? ""];
  return ["sh", "-c", entry.install?.spec ?? "true"];
}

export async function convergeHome(
  deps: Pick<AppDeps, "config" | "npm">,
  home: PluginHomePort,
  session: string,
  desired: Desired,
  announce: (line: string) => void,
): Promise<ConvergeOutcome> {
  const { observed, configs, appliedSha256 } = await probe(home, desired.manifest);
  const before = diffHome(session, desired.manifest, observed);
  const changes: string[] = [];
  for (const p of desired.manifest.plugins) {
    const found = foundVersion(p, observed);
    if (found === p.version) continue;
    if (isNpm(p)) {
      await home.remove(packageDirOf(p.pkg));
      await home.copyIn(await ensureStore(deps, p), PLUGIN_PREFIX);
      changes.push(`installed ${p.pkg}@${p.version}`);
    } else {
      const argv = installerArgv(p);
      // Shown before it runs: it is a person's shell line (or an installer from the network).
      announce(`running in ${home.label} (${session}): ${argv.join(" ")}`);
      const out = await home.run(argv);
      if (out.code !== 0) throw new RemoteError("PLUGIN_INSTALL_FAILED", `Cannot install '${p.pkg}' in ${home.label}: its installer exited with code ${out.code}${out.stderr.trim() ? ` (${out.stderr.trim().split("\n").pop()})` : ""}`, "Run the installer by hand there to see why, fix it, then `remote plugin sync`.", "unavailable");
      changes.push(`ran the installer of ${p.pkg}`);
    }
  }
  for (const a of observed.applied.plugins) {
    if (desired.manifest.plugins.some((p) => p.pkg === a.pkg) || !isNpm(a)) continue;
    await home.remove(packageDirOf(a.pkg));
    for (const bin of Object.keys(a.bins ?? {})) await home.remove(`${PLUGIN_BIN_DIR}/${bin}`);
    changes.push(`removed ${a.pkg}`);
  }
  // Scripts again only when a package changed (their paths are where they were otherwise).
  const wanted = wantedServers(desired.manifest, changes.length > 0 ? await scriptsIn(home, desired.manifest) : observed.scripts);
  const stale = staleMcpNames(desired.manifest, observed.applied);
  // A corrupt file is left untouched and reported; the other CLIs' files are still brought up to date.
  let refused: unknown;
  for (const [i, file] of MCP_CONFIG_FILES.entries()) {
    const current = configs[i];
    let next: string | undefined;
    try {
      next = nextConfigText(file, current?.text, wanted, stale);
    } catch (error) {
      refused ??= error;
      continue;
    }
    if (next === undefined || next === current?.text) continue;
    if (current !== undefined) await home.backupOnce(file.path, `${file.path}${BACKUP_SUFFIX}`);
    await home.write(file.path, next, current?.mode ?? 0o600);
    changes.push(`updated ~/${file.path}`);
  }
  // Not marked as applied: the next sync (or check) sees what is still missing.
  if (refused !== undefined) throw refused;
  // A HOME that never had plugins gets no record of none.
  const untouched = appliedSha256 === undefined && desired.manifest.plugins.length === 0;
  if (!untouched && (appliedSha256 !== desired.sha256 || changes.length > 0)) {
    await home.write(APPLIED_MANIFEST, desired.text, 0o644);
    await home.write(APPLIED_SHA256, `${desired.sha256}\n`, 0o644);
  }
  return { before, changes };
}

/** The installed copy of an npm plugin, made again from its cached tarball if it went. */
async function ensureStore(deps: Pick<AppDeps, "config" | "npm">, entry: PluginEntry): Promise<string> {
  const prefix = storePrefixOf(deps, entry);
  if (existsSync(`${prefix}/lib/node_modules/${entry.pkg}/package.json`)) return prefix;
  const tarball = entry.sha256 && cachedTarballOf(deps, entry.sha256);
  if (!tarball || !existsSync(tarball)) throw new RemoteError("PLUGIN_CACHE_MISSING", `Cannot install '${entry.pkg}@${entry.version}': its packed copy is gone from ${prefix}`, `Add it again: \`remote plugin add ${entry.install?.spec ?? entry.pkg}\`.`, "not-found");
  await deps.npm().install(tarball, prefix);
  return prefix;
}
