import { describe, expect, test } from "bun:test";
import { parseDuration } from "../duration.ts";
import { createJob, type JobRecord, type JobState } from "./job.ts";
import { pruneCandidates, pruneDecision, type WorktreeCheck } from "./prune.ts";

const now = new Date("2026-01-02T00:00:00.000Z");
const job = (id: string, state: JobState, endedAt?: string): JobRecord => ({
  ...createJob({ id, profile: "shell", task: "true", headless: true, cwd: "/w", originCwd: "/w", depthBudget: 1, seq: 1, jobDir: `/w/.remote/jobs/${id}`, maxConcurrent: 4 }, new Date("2026-01-01T00:00:00.000Z")),
  state,
  endedAt,
});
const clean: WorktreeCheck = { kind: "worktree", changedFiles: [], unsharedCommits: 0 };

describe("parseDuration", () => {
  test("a number and a unit", () => {
    expect(["90s", "30m", "2h", "7d", "1w", "1.5h", " 0s "].map((d) => parseDuration("--older-than", d))).toEqual([90_000, 1_800_000, 7_200_000, 604_800_000, 604_800_000, 5_400_000, 0]);
  });
  test("anything else is a usage error naming the flag and the value", () => {
    for (const bad of ["", "7", "d", "-1d", "1.d", "2 weeks", "1y", "1e3s"]) {
      expect(() => parseDuration("--older-than", bad)).toThrow(expect.objectContaining({ kind: "usage", message: `Cannot use --older-than '${bad}': it is not a duration` }));
    }
  });
});

describe("which jobs prune takes", () => {
  test("only ended jobs, and with --older-than only those that ended long enough ago", () => {
    const jobs = [job("p", "pending"), job("r", "running"), job("t", "throttled"), job("old", "done", "2026-01-01T00:00:00.000Z"), job("new", "failed", "2026-01-01T23:30:00.000Z")];
    expect(pruneCandidates(jobs, now).map((j) => j.id)).toEqual(["old", "new"]);
    expect(pruneCandidates(jobs, now, 3_600_000).map((j) => j.id)).toEqual(["old"]);
    expect(pruneCandidates(jobs, now, 30 * 60_000).map((j) => j.id)).toEqual(["old", "new"]);
  });

  test("a worktree is removed only when nothing would be lost, or when forced; a live agent keeps its job either way", () => {
    expect(pruneDecision({ check: clean, force: false })).toEqual({ action: "remove" });
    expect(pruneDecision({ force: false })).toEqual({ action: "remove" });
    expect(pruneDecision({ check: { kind: "missing" }, force: false })).toEqual({ action: "remove" });
    const dirty: WorktreeCheck = { kind: "worktree", changedFiles: [" M src/a.ts", "?? b.txt"], unsharedCommits: 0 };
    expect(pruneDecision({ check: dirty, force: false })).toEqual({ action: "keep", reason: "its worktree has 2 uncommitted changes (M src/a.ts, ...)", forceable: true });
    expect(pruneDecision({ check: dirty, force: true })).toEqual({ action: "remove" });
    expect(pruneDecision({ check: { ...clean, unsharedCommits: 1 }, force: false })).toMatchObject({ action: "keep", reason: expect.stringContaining("1 commit on no branch") });
    expect(pruneDecision({ check: { kind: "foreign" }, force: false })).toMatchObject({ action: "keep", forceable: true });
    expect(pruneDecision({ stillRunning: "process 42", check: clean, force: true })).toEqual({ action: "keep", reason: "its process 42 still runs", forceable: false });
  });
});
