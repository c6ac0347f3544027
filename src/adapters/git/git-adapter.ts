import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { GitPort } from "../../domain/ports.ts";

export type GitAdapterOptions = {
  /** @default "git" */
  readonly binary?: string;
  /** The environment git runs in (wiring passes the user's: an adapter never reads the environment itself). @default {} */
  readonly env?: Readonly<Record<string, string>>;
};

/** The few git operations delegation needs, each an argv array (never a shell string). */
export function createGitAdapter(options: GitAdapterOptions = {}): GitPort {
  const git = options.binary ?? "git";
  // Never a credential prompt: a job's git must not hang on a terminal nobody watches.
  const env = { ...options.env, GIT_TERMINAL_PROMPT: "0" };
  const run = (cwd: string, args: string[]) => {
    const r = Bun.spawnSync([git, ...args], { cwd, stdout: "pipe", stderr: "pipe", env });
    return { ok: r.exitCode === 0, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() };
  };
  const gitPath = (repo: string, name: string) => {
    const r = run(repo, ["rev-parse", "--git-path", name]);
    return r.ok && r.out ? (isAbsolute(r.out) ? r.out : join(repo, r.out)) : undefined;
  };
  return {
    repoRoot: (cwd) => {
      const r = run(cwd, ["rev-parse", "--show-toplevel"]);
      return r.ok && r.out ? r.out : undefined;
    },
    addWorktree: (repo, path) => {
      // Detached at HEAD: a job's worktree never moves a branch someone else has checked out.
      // Two `git worktree add` at once race on .git/worktrees (one reads the other's half-made
      // entry and dies): delegates that run in parallel take turns.
      const lock = gitPath(repo, "remote-worktree.lock");
      const r = withLock(lock, () => run(repo, ["worktree", "add", "--detach", path, "HEAD"]));
      if (!r.ok) throw new RemoteError("WORKTREE_FAILED", `Cannot create a worktree at '${path}': ${r.err || "git failed"}`, "Check that the repository has at least one commit and the path is free.", "conflict");
    },
    inspectWorktree: (path) => {
      if (!existsSync(path)) return { kind: "missing" };
      // Inside the repository a folder git forgot is still "in a repository": the parent's. Only its own top counts.
      const top = run(path, ["rev-parse", "--show-toplevel"]);
      if (!top.ok || realpathOr(top.out) !== realpathOr(path)) return { kind: "foreign" };
      const status = run(path, ["status", "--porcelain"]);
      if (!status.ok) return { kind: "foreign" };
      // Commits made here on a detached HEAD are held by nothing else once the worktree is gone.
      const unshared = run(path, ["rev-list", "--count", "HEAD", "--not", "--branches", "--tags", "--remotes"]);
      return { kind: "worktree", changedFiles: status.out === "" ? [] : status.out.split("\n"), unsharedCommits: unshared.ok ? Number(unshared.out) || 0 : 0 };
    },
    removeWorktree: (repo, path, removal = {}) => {
      if (!existsSync(path)) {
        // Its folder is gone: drop it from git's list (unless the repository went too).
        if (existsSync(repo)) run(repo, ["worktree", "prune"]);
        return;
      }
      const r = run(repo, ["worktree", "remove", ...(removal.force ? ["--force"] : []), path]);
      if (!r.ok) throw new RemoteError("WORKTREE_REMOVE_FAILED", `Cannot remove the worktree '${path}': ${r.err || "git failed"}`, "Look at it with `git worktree list`; `remote jobs prune --force` removes a worktree with changes.", "conflict");
    },
    ensureExcluded: (repo, pattern) => {
      // info/exclude lives in the common git dir, so it also covers every worktree.
      const file = gitPath(repo, "info/exclude");
      if (file === undefined) return;
      const text = existsSync(file) ? readFileSync(file, "utf8") : "";
      if (text.split("\n").some((line) => line.trim() === pattern)) return;
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${text === "" || text.endsWith("\n") ? "" : "\n"}${pattern}\n`);
    },
  };
}

const realpathOr = (path: string) => {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
};

const LOCK_STALE_MS = 60_000;
const LOCK_WAIT_MS = 60_000;

/** An O_EXCL lock file holding our pid; a holder that died (or hung past a minute) is taken over. */
function withLock<T>(lockPath: string | undefined, fn: () => T): T {
  if (lockPath === undefined) return fn();
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") return fn();
      if (lockIsStale(lockPath)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new RemoteError("WORKTREE_LOCKED", `Cannot create a worktree: '${lockPath}' stayed locked for a minute`, "Another `remote delegate` may be stuck; remove the lock file if no delegate is running.", "unavailable");
      }
      Bun.sleepSync(5 + Math.floor(Math.random() * 20));
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

function lockIsStale(lockPath: string): boolean {
  try {
    const pid = Number(readFileSync(lockPath, "utf8").trim());
    if (Date.now() - statSync(lockPath).mtimeMs > LOCK_STALE_MS) return true;
    if (!Number.isInteger(pid) || pid <= 0) return Date.now() - statSync(lockPath).mtimeMs > 1000;
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH" || (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}
