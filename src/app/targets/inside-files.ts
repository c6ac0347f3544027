/**
 * A session folder inside its container, both ways, run there through the target's exec:
 * `remote __unpack <dir>` writes a workspace archive read on stdin (the untrusted-archive
 * checks first: nothing is written when one entry fails them; never through a link), and
 * `remote __pack <dir>` answers the folder's manifest, or the files asked for as a tar.
 * With `--state <name>` both reach the folder's `.remote/<name>` JSON instead (its workspace
 * link and base, which the control plane's commit of the folder reads and moves on).
 */
import { mkdirSync } from "node:fs";
import { RemoteError } from "../../domain/errors.ts";
import { checkArchive } from "../../domain/workspace/archive-rules.ts";
import { normalMode, type Manifest } from "../../domain/workspace/entry.ts";
import { tidyArchivePath } from "../../domain/workspace/workspace-path.ts";
import type { PackItem } from "../../domain/workspace/ports.ts";
import { sha256Hex } from "../../shared/sha256.ts";
import type { AppDeps } from "../deps.ts";
import { archiveLimits } from "../workspace/control.ts";
import { scanLocal } from "../workspace/local-state.ts";

type Deps = Pick<AppDeps, "workspace" | "config">;

const absolute = (dir: string) => {
  if (!dir.startsWith("/")) throw new RemoteError("BAD_FOLDER", `Cannot use folder '${dir}': not an absolute path`, "It is passed by the control plane; this command is internal.", "usage");
  return dir;
};

/** `remote __unpack <dir>`: the archive's files and links written under `dir` (made if missing); how many. */
export async function unpackInto(deps: Deps, dir: string, archive: Uint8Array): Promise<{ readonly files: number }> {
  const root = absolute(dir);
  const { archive: codec, tree } = deps.workspace();
  const limits = archiveLimits(deps);
  const items = await codec.unpack(archive, limits);
  const verdict = checkArchive(items.map((item) => item.header), limits);
  if (!verdict.ok) throw new RemoteError("ARCHIVE_REFUSED", `Cannot unpack into '${root}': ${verdict.problems.join("; ")}`, "Nothing was written. Archives may hold files, folders and symlinks inside the tree only.", "invalid");
  mkdirSync(root, { recursive: true, mode: 0o755 });
  let files = 0;
  for (const item of items) {
    const path = tidyArchivePath(item.header.path);
    if (item.header.type === "file") {
      const bytes = item.bytes ?? new Uint8Array(0);
      tree.write(root, path, { type: "file", sha256: sha256Hex([bytes]), size: bytes.length, mode: normalMode(item.mode) }, bytes);
      files++;
    } else if (item.header.type === "link") {
      tree.write(root, path, { type: "link", target: item.header.linkTarget ?? "" });
      files++;
    }
  }
  return { files };
}

/** `remote __pack <dir>`: every file and link as a push scans them (ignore rules; links out of the folder left out). */
export const folderManifest = (deps: Deps, dir: string): Manifest => scanLocal(deps, absolute(dir)).manifest;

const stateName = (name: string) => {
  if (!/^[a-z][a-z0-9-]*\.json$/.test(name)) throw new RemoteError("BAD_STATE_NAME", `Cannot use state '${name}': not a .remote/<name>.json of ours`, "It is passed by the control plane; this command is internal.", "usage");
  return name;
};
/** `remote __pack <dir> --state <name>`: `.remote/<name>` as JSON (null when absent). */
export const readFolderState = (deps: Deps, dir: string, name: string): unknown => deps.workspace().tree.readState(absolute(dir), stateName(name)) ?? null;
/** `remote __unpack <dir> --state <name>`: the JSON on stdin written to `.remote/<name>` (0600, atomically). */
export function writeFolderState(deps: Deps, dir: string, name: string, input: Uint8Array): void {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(input));
  } catch {
    throw new RemoteError("BAD_STATE_INPUT", `Cannot write state '${name}': stdin is not JSON`, "It is sent by the control plane; this command is internal.", "usage");
  }
  mkdirSync(absolute(dir), { recursive: true, mode: 0o755 });
  deps.workspace().tree.writeState(dir, stateName(name), value);
}

/** `remote __pack <dir> --paths` (a JSON list on stdin): those entries as a gzip tar, base64 (exec's stdout is text). */
export function packPaths(deps: Deps, dir: string, paths: readonly string[]): string {
  const root = absolute(dir);
  const { archive, tree } = deps.workspace();
  const manifest = folderManifest(deps, root);
  const items: PackItem[] = paths.map((path) => {
    const entry = manifest[path];
    if (entry === undefined) throw new RemoteError("PATH_GONE", `Cannot pack '${path}' of '${root}': it is not there (any more)`, "Read the manifest again: the folder changed.", "conflict");
    return entry.type === "file" ? { path, entry, bytes: tree.read(root, path) } : { path, entry };
  });
  return Buffer.from(archive.pack(items, { gzip: true })).toString("base64");
}
