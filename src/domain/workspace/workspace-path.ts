/**
 * The one rule for a path inside a workspace, whoever sent it (an archive, a manifest, a
 * request): relative, `/`-separated, no `.`/`..`/empty segment, no NUL or backslash, and
 * never inside `.git` or the top `.remote` (our link and base: a far side that could write
 * them could point this directory anywhere, or run git hooks).
 */
export const MAX_PATH_BYTES = 4096;
export const MAX_SEGMENT_BYTES = 255;

/** Folders a workspace never carries. */
export const RESERVED_DIR = ".remote";
export const GIT_DIR = ".git";

const encoder = new TextEncoder();
/** At most 3 UTF-8 bytes per UTF-16 unit: short strings are never encoded (20,000 paths per manifest). */
const longerThan = (text: string, bytes: number) => text.length * 3 > bytes && encoder.encode(text).length > bytes;

/** Why `path` is not a workspace path, or undefined when it is. */
export function pathProblem(path: string): string | undefined {
  if (path === "") return "an empty path";
  if (path.includes("\0")) return "a NUL byte in the path";
  if (path.includes("\\")) return "a backslash in the path";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "an absolute path";
  if (longerThan(path, MAX_PATH_BYTES)) return `a path longer than ${MAX_PATH_BYTES} bytes`;
  const segments = path.split("/");
  for (const segment of segments) {
    if (segment === "..") return "a '..' segment";
    if (segment === "." || segment === "") return "an empty or '.' segment";
    if (longerThan(segment, MAX_SEGMENT_BYTES)) return `a name longer than ${MAX_SEGMENT_BYTES} bytes`;
    if (segment === GIT_DIR) return "a path inside .git";
  }
  if (segments[0] === RESERVED_DIR) return "a path inside .remote (the link and base of this directory)";
  return undefined;
}

/** Tar writers prefix `./` and end folders with `/`: the path as a workspace names it. */
export const tidyArchivePath = (raw: string): string => {
  let path = raw;
  while (path.startsWith("./")) path = path.slice(2);
  while (path.endsWith("/")) path = path.slice(0, -1);
  return path;
};

/**
 * Where a link at `path` pointing at `target` lands, relative to the workspace root, or
 * undefined when it leaves the workspace (absolute, or climbing above the root).
 */
export function resolveLinkTarget(path: string, target: string): string | undefined {
  if (target === "" || target.startsWith("/") || target.includes("\0") || /^[A-Za-z]:/.test(target)) return undefined;
  const parts = path.split("/").slice(0, -1);
  for (const segment of target.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(segment);
  }
  return parts.join("/");
}

/** The folders above `path`, outermost first: `a/b/c` -> `a`, `a/b`. */
export const parentsOf = (path: string): string[] => {
  const segments = path.split("/");
  return segments.slice(0, -1).map((_, i) => segments.slice(0, i + 1).join("/"));
};
