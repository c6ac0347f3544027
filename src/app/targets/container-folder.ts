/**
 * The folder of a workspace's container session as the control plane reads and writes it
 * (the SessionFolder seam of app/workspace: root, scan, read, readState, writeState), all
 * through an exec: `remote __pack <root>` answers the manifest, the files asked for (a tar)
 * or a `.remote/` state file; `remote __unpack <root> --state` writes one. While the session
 * runs that is its container's exec; once it is gone nothing can be exec'd there: its folder
 * is then the copy kept here (`keepFolder`: its manifest, its state files, every file's
 * content in the blob store), taken before a stop through the control plane, or read off
 * its volumes by a helper beside it (container-keep.ts).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sessionDirFor } from "../../domain/config.ts";
import { RemoteError } from "../../domain/errors.ts";
import type { TargetHandle } from "../../domain/target.ts";
import { checkArchive } from "../../domain/workspace/archive-rules.ts";
import type { Manifest } from "../../domain/workspace/entry.ts";
import type { FolderAccess } from "../../domain/workspace/ports.ts";
import { tidyArchivePath } from "../../domain/workspace/workspace-path.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";
import type { SessionRecord } from "../../domain/session.ts";
import { archiveLimits } from "../workspace/control.ts";
import { insideSession, jsonInput, type Inside } from "./inside-wire.ts";

type Deps = Pick<AppDeps, "workspace" | "config" | "target">;

/** A container session's folder: app/workspace's SessionFolder without the base, which the caller keeps in FOLDER_BASE. */
export type ContainerFolder = FolderAccess;

/** The folder at `root` inside a running container session. */
export const liveContainerFolder = (deps: Deps, handle: TargetHandle, root: string): ContainerFolder => folderInside(deps, insideSession(deps.target(handle), handle), handle.container, root);

/** The folder at `root` where `inside` runs our helpers (`where` names it in errors). */
export function folderInside(deps: Pick<AppDeps, "workspace" | "config">, inside: Inside, where: string, root: string): ContainerFolder {
  return {
    root,
    scan: () => inside<Manifest>(["__pack", root]),
    read: async (paths) => {
      if (paths.length === 0) return new Map();
      const packed = await inside<string>(["__pack", root, "--paths"], jsonInput(paths));
      // The container's answer is as untrusted as any archive: checked before a byte is used.
      const limits = archiveLimits(deps);
      const items = await deps.workspace().archive.unpack(Buffer.from(packed, "base64"), limits);
      const verdict = checkArchive(items.map((item) => item.header), limits);
      if (!verdict.ok) throw new RemoteError("ARCHIVE_REFUSED", `Cannot take files of '${root}' from '${where}': ${verdict.problems.join("; ")}`, "Nothing was stored.", "invalid");
      const files = new Map(items.flatMap((item) => (item.header.type === "file" ? [[tidyArchivePath(item.header.path), item.bytes ?? new Uint8Array(0)] as const] : [])));
      const missing = paths.find((path) => !files.has(path));
      if (missing !== undefined) throw new RemoteError("FOLDER_CHANGED", `Cannot take '${missing}' of '${root}' from '${where}': it is no longer a file there`, "Try again once the agent is idle.", "conflict");
      return files;
    },
    readState: async (name) => (await inside<unknown>(["__pack", root, "--state", name])) ?? undefined,
    writeState: async (name, value) => {
      await inside(["__unpack", root, "--state", name], jsonInput(value));
    },
  };
}

/** Where a stopped session's folder was kept: sessions/<id>/folder/{manifest.json, state/<name>}. */
const keptDir = (deps: Pick<AppDeps, "config">, sessionId: string) => join(sessionDirFor(deps.config.paths, sessionId), "folder");
const readJson = (path: string): unknown => (existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined);

/** Is a copy of the session's folder kept here. */
export const folderKept = (deps: Pick<AppDeps, "config">, sessionId: string): boolean => existsSync(join(keptDir(deps, sessionId), "manifest.json"));

/**
 * The copy kept when the session stopped (files from the blob store); state written to it
 * stays with it. `keepNow` takes the copy when none was kept (read on first use, once).
 */
export function keptContainerFolder(deps: Pick<AppDeps, "workspace" | "config">, session: SessionRecord, root: string, keepNow?: () => Promise<void>): ContainerFolder {
  const dir = keptDir(deps, session.id);
  let loaded: Promise<Manifest> | undefined;
  const manifest = () =>
    (loaded ??= (async () => {
      if (!folderKept(deps, session.id) && keepNow !== undefined) await keepNow();
      const kept = readJson(join(dir, "manifest.json")) as Manifest | undefined;
      if (kept === undefined) {
        throw new RemoteError("FOLDER_NOT_KEPT", `Cannot read the folder of session '${session.name}': its container is gone and nothing was kept when it stopped`, "Stop a workspace's container session through the control plane (`remote migrate back` does): it keeps the folder first.", "not-found");
      }
      return kept;
    })());
  const { blobs } = deps.workspace();
  return {
    root,
    scan: manifest,
    read: async (paths) => {
      const kept = await manifest();
      return new Map(
        paths.map((path) => {
          const entry = kept[path];
          const bytes = entry?.type === "file" ? blobs.get(entry.sha256) : undefined;
          if (bytes === undefined) throw new RemoteError("BLOB_MISSING", `Cannot read '${path}' of session '${session.name}': its kept content is missing from the blob store`, "The control plane's data directory lost a file.", "corrupt");
          return [path, bytes] as const;
        }),
      );
    },
    readState: async (name) => {
      await manifest();
      return readJson(join(dir, "state", name));
    },
    writeState: async (name, value) => {
      await manifest();
      mkdirSync(join(dir, "state"), { recursive: true, mode: 0o700 });
      writeFileAtomically(join(dir, "state", name), JSON.stringify(value));
    },
  };
}

/** The `.remote/` files a commit of the folder reads: the workspace link and the base (as a local copy names them). */
export const FOLDER_LINK = "workspace.json";
export const FOLDER_BASE = "workspace-base.json";
const KEPT_STATE = [FOLDER_LINK, FOLDER_BASE] as const;

/** Before the container goes: its folder's manifest and state kept here, and every file's content the blob store lacks stored. */
export async function keepFolder(deps: Deps, session: SessionRecord, folder: ContainerFolder): Promise<void> {
  const manifest = await folder.scan();
  const { blobs } = deps.workspace();
  const missing = Object.entries(manifest).flatMap(([path, entry]) => (entry.type === "file" && !blobs.has(entry.sha256) ? [path] : []));
  for (const [path, bytes] of await folder.read(missing)) {
    const entry = manifest[path];
    // A file that changed between the two reads would name content never stored.
    if (entry?.type !== "file" || blobs.put(bytes) !== entry.sha256) throw new RemoteError("FOLDER_CHANGED", `Cannot keep '${path}' of session '${session.name}': it changed while it was read`, "Stop it again once the agent is idle.", "conflict");
  }
  const dir = keptDir(deps, session.id);
  mkdirSync(join(dir, "state"), { recursive: true, mode: 0o700 });
  for (const name of KEPT_STATE) {
    const value = await folder.readState(name);
    if (value !== undefined) writeFileAtomically(join(dir, "state", name), JSON.stringify(value));
  }
  writeFileAtomically(join(dir, "manifest.json"), JSON.stringify(manifest));
}

