import { RemoteError } from "../../domain/errors.ts";
import type { GitPort } from "../../domain/ports.ts";

export type GitAdapterOptions = {
  /** @default "git" */
  readonly binary?: string;
};

/** The few git operations delegation needs, each an argv array (never a shell string). */
export function createGitAdapter(options: GitAdapterOptions = {}): GitPort {
  const git = options.binary ?? "git";
  const run = (cwd: string, args: string[]) => {
    const r = Bun.spawnSync([git, ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
    return { ok: r.exitCode === 0, out: r.stdout.toString().trim(), err: r.stderr.toString().trim() };
  };
  return {
    repoRoot: (cwd) => {
      const r = run(cwd, ["rev-parse", "--show-toplevel"]);
      return r.ok && r.out ? r.out : undefined;
    },
    addWorktree: (repo, path) => {
      // Detached at HEAD: a job's worktree never moves a branch someone else has checked out.
      const r = run(repo, ["worktree", "add", "--detach", path, "HEAD"]);
      if (!r.ok) throw new RemoteError("WORKTREE_FAILED", `Cannot create a worktree at '${path}': ${r.err || "git failed"}`, "Check that the repository has at least one commit and the path is free.", "conflict");
    },
    removeWorktree: (repo, path) => {
      run(repo, ["worktree", "remove", "--force", path]);
    },
  };
}
