/**
 * Archives from the other side are untrusted (SPEC §6). These pure checks run over every
 * header of an archive (or every entry of a manifest) BEFORE anything is written; one
 * problem refuses the whole archive.
 */
import { parentsOf, pathProblem, resolveLinkTarget, tidyArchivePath } from "./workspace-path.ts";

export type ArchiveEntryType = "file" | "link" | "directory" | "hardlink" | "device" | "fifo" | "other";
export type ArchiveHeader = { readonly path: string; readonly type: ArchiveEntryType; readonly size: number; readonly linkTarget?: string | undefined };

export type ArchiveLimits = {
  /** Files and links (config workspace_max_files). */
  readonly maxFiles: number;
  /** Sum of file sizes (config workspace_max_bytes). */
  readonly maxBytes: number;
};

export type ArchiveVerdict = { readonly ok: true } | { readonly ok: false; readonly problems: readonly string[] };

/** At most this many problems are named (a hostile archive may have millions). */
const MAX_NAMED = 5;

const TYPE_PROBLEM: Partial<Record<ArchiveEntryType, string>> = {
  hardlink: "a hard link",
  device: "a device",
  fifo: "a fifo",
  other: "an entry that is neither a file, a folder nor a symlink",
};

/** Every header is checked; the verdict names the first few problems, each with its path. */
export function checkArchive(headers: readonly ArchiveHeader[], limits: ArchiveLimits): ArchiveVerdict {
  const problems: string[] = [];
  const add = (problem: string) => {
    if (problems.length < MAX_NAMED) problems.push(problem);
  };
  const kinds = new Map<string, ArchiveEntryType>();
  let files = 0;
  let bytes = 0;
  for (const header of headers) {
    const path = tidyArchivePath(header.path);
    const shown = JSON.stringify(header.path.slice(0, 200));
    const pathIssue = pathProblem(path);
    if (pathIssue) {
      add(`${shown}: ${pathIssue}`);
      continue;
    }
    const typeIssue = TYPE_PROBLEM[header.type];
    if (typeIssue) add(`${shown}: ${typeIssue}`);
    if (header.type === "link" && resolveLinkTarget(path, header.linkTarget ?? "") === undefined) {
      add(`${shown}: a symlink pointing outside the workspace (${JSON.stringify((header.linkTarget ?? "").slice(0, 200))})`);
    }
    const seen = kinds.get(path);
    if (seen !== undefined && !(seen === "directory" && header.type === "directory")) add(`${shown}: a second entry for the same path`);
    kinds.set(path, header.type);
    if (header.type === "file" || header.type === "link") files++;
    if (header.type === "file") bytes += Math.max(0, header.size);
  }
  // A path under a link would be written through it; a path under a file cannot exist.
  for (const [path] of kinds) {
    for (const parent of parentsOf(path)) {
      const kind = kinds.get(parent);
      if (kind === "link") add(`${JSON.stringify(path.slice(0, 200))}: a path under the symlink '${parent}'`);
      else if (kind !== undefined && kind !== "directory") add(`${JSON.stringify(path.slice(0, 200))}: a path under the file '${parent}'`);
    }
  }
  if (files > limits.maxFiles) add(`${files} files and links, more than the ${limits.maxFiles} allowed (workspace_max_files)`);
  if (bytes > limits.maxBytes) add(`${bytes} bytes of files, more than the ${limits.maxBytes} allowed (workspace_max_bytes)`);
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
