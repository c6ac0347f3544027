/**
 * `remote jobs prune` and job_prune_on_success against real git worktrees: shell jobs
 * (the real bash) leave a clean worktree, an untracked file, or a commit on no branch,
 * while another job keeps running.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../support/cli.ts";
import { jobsHome } from "./jobs-support.ts";

type Home = ReturnType<typeof jobsHome>;

async function delegate(home: Home, task: string) {
  const r = await cli(home.env, ["delegate", "shell", task, "--headless"], { cwd: home.repo });
  expect(r.stdout).toMatch(/^[a-z0-9]{8}\n$/);
  return r.stdout.trim();
}
async function waitDone(home: Home, id: string) {
  const r = await cli(home.env, ["jobs", "wait", id]);
  expect(r.code).toBe(0);
}
function config(home: Home, text: string) {
  mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
  // Only these tests' own commands act: no automatic conductor, no hand-off.
  writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), `job_auto_conduct = false\njob_handoff = false\n${text}`);
}
/** The worktree paths `git worktree list` shows, main checkout excluded. */
const worktrees = (home: Home) =>
  home
    .git(["worktree", "list", "--porcelain"])
    .split("\n")
    .filter((l) => l.startsWith("worktree "))
    .map((l) => l.slice("worktree ".length))
    .filter((p) => p !== home.repo);
type Outcome = { id: string; outcome: string; worktree?: string; reason?: string; forceable?: boolean };
async function prune(home: Home, args: string[] = []): Promise<Outcome[]> {
  const r = await cli(home.env, ["jobs", "prune", "--json", ...args]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as Outcome[]).sort((a, b) => a.id.localeCompare(b.id));
}
const byId = (outcomes: readonly Outcome[], id: string) => outcomes.find((o) => o.id === id);

describe("remote jobs prune", () => {
  test("removes a clean ended job; keeps a dirty one and one with unshared commits until --force; never touches a running job", async () => {
    using home = jobsHome();
    config(home, "");
    const clean = await delegate(home, "true");
    const dirty = await delegate(home, "echo draft > notes.txt");
    const committed = await delegate(home, "git -c user.name=t -c user.email=t@example.com commit -q --allow-empty -m 'work on no branch'");
    const running = await delegate(home, "exec sleep 600");
    for (const id of [clean, dirty, committed]) await waitDone(home, id);
    const jobOf = (id: string) => home.jobs().find((j) => j.id === id);
    const runningJob = jobOf(running);
    expect(runningJob?.state).toBe("running");
    expect(worktrees(home)).toHaveLength(4);

    // --dry-run says everything and changes nothing.
    const planned = await prune(home, ["--dry-run"]);
    expect(planned.map((o) => [o.id, o.outcome]).sort()).toEqual([[clean, "would-remove"], [committed, "kept"], [dirty, "kept"]].sort());
    expect(byId(planned, dirty)?.reason).toContain("1 uncommitted change (?? notes.txt)");
    expect(byId(planned, committed)?.reason).toContain("1 commit on no branch");
    expect(worktrees(home)).toHaveLength(4);

    const first = await prune(home);
    expect(byId(first, clean)?.outcome).toBe("removed");
    expect(byId(first, dirty)).toMatchObject({ outcome: "kept", forceable: true });
    expect(byId(first, committed)).toMatchObject({ outcome: "kept", forceable: true });
    expect(byId(first, running)).toBeUndefined();
    const cleanDir = join(home.repo, ".remote", "jobs", clean);
    expect(existsSync(cleanDir)).toBe(false);
    expect(jobOf(clean)).toBeUndefined();
    expect(worktrees(home).sort()).toEqual([dirty, committed, running].map((id) => join(home.repo, ".remote", "jobs", id, "wt")).sort());

    // The table names what was kept and why.
    const text = await cli(home.env, ["jobs", "prune", "--dry-run"]);
    expect(text.stdout).toMatch(new RegExp(`${dirty}\\s+kept\\s+its worktree has 1 uncommitted change \\(\\?\\? notes.txt\\) \\(--force removes it\\)`));

    const forced = await prune(home, ["--force"]);
    expect(forced.map((o) => [o.id, o.outcome]).sort()).toEqual([[committed, "removed"], [dirty, "removed"]].sort());
    expect(worktrees(home)).toEqual([join(home.repo, ".remote", "jobs", running, "wt")]);
    expect(home.jobs().map((j) => j.id)).toEqual([running]);
    expect(jobOf(running)).toMatchObject({ state: "running", runner: runningJob?.runner });
    expect(existsSync(join(home.repo, ".remote", "jobs", running, "wt"))).toBe(true);
    // The project itself is untouched.
    expect(home.git(["status", "--porcelain"])).toBe("");
  }, 90_000);

  test("--older-than counts from when a job ended, and refuses what is not a duration", async () => {
    using home = jobsHome();
    config(home, "");
    const id = await delegate(home, "true");
    await waitDone(home, id);
    const young = await cli(home.env, ["jobs", "prune", "--older-than", "2h"]);
    expect(young).toMatchObject({ code: 0, stdout: "" });
    expect(young.stderr).toContain("no ended jobs older than 2h to prune");
    expect(home.jobs()).toHaveLength(1);
    for (const bad of ["abc", "7", "-1d", "2 weeks"]) {
      const r = await cli(home.env, ["jobs", "prune", "--older-than", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`Cannot use --older-than '${bad}': it is not a duration`);
    }
    expect((await prune(home, ["--older-than", "0s"])).map((o) => o.outcome)).toEqual(["removed"]);
  }, 60_000);

  test("a worktree whose folder was deleted by hand is dropped from git's list, and its job pruned", async () => {
    using home = jobsHome();
    config(home, "");
    const id = await delegate(home, "true");
    await waitDone(home, id);
    rmSync(join(home.repo, ".remote", "jobs", id, "wt"), { recursive: true, force: true });
    expect(home.git(["worktree", "list", "--porcelain"])).toContain("prunable");
    expect((await prune(home)).map((o) => [o.id, o.outcome])).toEqual([[id, "removed"]]);
    expect(home.git(["worktree", "list", "--porcelain"])).not.toContain("prunable");
    expect(worktrees(home)).toEqual([]);
    expect(home.jobs()).toEqual([]);
  }, 60_000);

  test("job_prune_on_success removes a clean worktree when its job succeeds, keeps one with changes, and keeps the job's files", async () => {
    using home = jobsHome();
    config(home, "job_prune_on_success = true\n");
    const clean = await delegate(home, "echo out");
    const dirty = await delegate(home, "echo draft > notes.txt");
    for (const id of [clean, dirty]) await waitDone(home, id);
    expect(worktrees(home)).toEqual([join(home.repo, ".remote", "jobs", dirty, "wt")]);
    const jobDir = join(home.repo, ".remote", "jobs", clean);
    expect(existsSync(join(jobDir, "result.json"))).toBe(true);
    expect((await cli(home.env, ["jobs", "logs", clean])).stdout).toBe("out\n");
    // Later, prune takes the rest of it.
    expect(byId(await prune(home), clean)).toMatchObject({ outcome: "removed" });
    expect(existsSync(jobDir)).toBe(false);
  }, 60_000);
});
