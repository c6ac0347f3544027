import { errorMessage, RemoteError } from "../../domain/errors.ts";
import { privateDirProblem, unsafeDirError, type DirFacts } from "../../domain/private-dir.ts";
import { lstatFacts, nodeFs } from "../../shared/quick-fs.ts";

const ourUid = () => process.getuid?.() ?? 0;

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** lstat, so a link is seen as a link; undefined when nothing is there (not thrown: a first stack trace costs a quick command ~3 ms). */
const factsOf = (path: string): DirFacts | undefined => lstatFacts(path);

function refuseUnsafe(dir: string, facts: DirFacts): void {
  const problem = privateDirProblem(facts, ourUid());
  if (problem !== undefined) throw unsafeDirError(dir, problem);
}

/**
 * Creates each directory (outermost first) 0700 when missing, and refuses one that is
 * there but is not a real directory of ours with mode 0700: in a shared place
 * (/tmp, $XDG_RUNTIME_DIR) another user may have made it first. Never writes into a
 * refused directory.
 */
export function ensurePrivateDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      nodeFs().mkdirSync(dir, { mode: 0o700 });
      // The umask may have taken bits off: a directory we just made is exactly 0700.
      nodeFs().chmodSync(dir, 0o700);
    } catch (error) {
      if (errno(error) !== "EEXIST") throw new RemoteError("DIR_CREATE_FAILED", `Cannot create directory '${dir}': ${errorMessage(error)}`, "Check that its parent exists and is writable (TMPDIR, XDG_RUNTIME_DIR, REMOTE_HOME).", "unavailable");
    }
    const facts = factsOf(dir);
    if (facts === undefined) throw new RemoteError("DIR_CREATE_FAILED", `Cannot create directory '${dir}': it vanished right after it was made`, "Retry; if it keeps happening, someone is removing it.", "unavailable");
    refuseUnsafe(dir, facts);
  }
}

/** Checks the directories that exist (outermost first, stopping at the first missing one) without creating any. */
export function checkPrivateDirs(dirs: readonly string[]): void {
  for (const dir of dirs) {
    const facts = factsOf(dir);
    if (facts === undefined) return;
    refuseUnsafe(dir, facts);
  }
}
