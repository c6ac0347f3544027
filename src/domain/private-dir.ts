import { RemoteError } from "./errors.ts";

/** What lstat says about a path (never stat: a link must be seen as a link, not as what it points at). */
export type DirFacts = {
  readonly isSymbolicLink: boolean;
  readonly isDirectory: boolean;
  readonly uid: number;
  /** Permission bits (mode & 0o7777). */
  readonly mode: number;
};

const octal = (mode: number) => `0${(mode & 0o7777).toString(8).padStart(3, "0")}`;

/**
 * Why a directory we keep sockets or secrets in cannot be trusted, or undefined when it
 * can: it must be a real directory (not a link to one), ours, and closed to everyone
 * else (exactly 0700). Under /tmp another local user can create it first.
 */
export function privateDirProblem(facts: DirFacts, ourUid: number): string | undefined {
  if (facts.isSymbolicLink) return "it is a symbolic link";
  if (!facts.isDirectory) return "it is not a directory";
  if (facts.uid !== ourUid) return `it is owned by uid ${facts.uid}, not by us (uid ${ourUid})`;
  if ((facts.mode & 0o7777) !== 0o700) return `its mode is ${octal(facts.mode)}, not 0700`;
  return undefined;
}

export const unsafeDirError = (path: string, problem: string) =>
  new RemoteError(
    "UNSAFE_DIR",
    `Cannot use directory '${path}': ${problem}`,
    "Someone else may have created it to read or intercept your sessions: remove it (or check who made it), or set REMOTE_HOME to a shorter path or XDG_RUNTIME_DIR so sockets live in a private place.",
    "conflict",
  );
