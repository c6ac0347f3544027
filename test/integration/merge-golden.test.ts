import { describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createWorkspaceTree } from "../../src/adapters/workspace/tree.ts";
import { applyPullPlan } from "../../src/app/workspace/merge-apply.ts";
import { planPull, textMergePaths, type ConflictPolicy, type MergeTexts, type PullConflict } from "../../src/domain/workspace/merge-plan.ts";
import { looksLikeText, type Tree } from "../../src/domain/workspace/merge-tree.ts";
import { scanTree, treePicture } from "../support/tree-scan.ts";

/**
 * One row of the pull table per folder in test/fixtures/merge/<case>: base, local and remote
 * trees, the expected local tree after the pull, and case.json (policy, exit code, whether
 * the base moves, the conflicts reported). The plan is applied to a real copy of local.
 */
const casesDir = join(import.meta.dir, "..", "fixtures", "merge");
const STAMP = "20261201T080000Z";
type Case = { policy: ConflictPolicy; exitCode: 0 | 1; updateBase: boolean; conflicts: PullConflict[] };

const blobsOf = (dir: string, tree: Tree) => {
  const blobs = new Map<string, Uint8Array>();
  for (const [path, entry] of Object.entries(tree)) if (entry.type === "file") blobs.set(entry.sha256, readFileSync(join(dir, path)));
  return blobs;
};
/** A side's text, "" when absent, undefined when binary (then the path merges as binary). */
const textOf = (dir: string, path: string) => {
  if (!existsSync(join(dir, path))) return "";
  const bytes = readFileSync(join(dir, path));
  return looksLikeText(bytes) ? bytes.toString("utf8") : undefined;
};

describe("pull merge goldens", () => {
  const cases = readdirSync(casesDir).sort();
  test("there is a golden for every row of the pull table", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of cases) {
    test(name, async () => {
      const dir = join(casesDir, name);
      const spec = JSON.parse(readFileSync(join(dir, "case.json"), "utf8")) as Case;
      const [baseDir, localDir, remoteDir] = ["base", "local", "remote"].map((side) => join(dir, side)) as [string, string, string];
      const [base, local, remote] = [scanTree(baseDir), scanTree(localDir), scanTree(remoteDir)];
      const texts = new Map<string, MergeTexts>();
      for (const path of textMergePaths({ base, local, remote })) {
        const [baseText, localText, remoteText] = [textOf(baseDir, path), textOf(localDir, path), textOf(remoteDir, path)];
        if (baseText !== undefined && localText !== undefined && remoteText !== undefined) texts.set(path, { base: baseText, local: localText, remote: remoteText });
      }
      const plan = planPull({ base, local, remote, texts, policy: spec.policy, stamp: STAMP });
      expect({ exitCode: plan.exitCode, updateBase: plan.updateBase, conflicts: plan.conflicts }).toEqual({ exitCode: spec.exitCode, updateBase: spec.updateBase, conflicts: spec.conflicts });

      const work = mkdtempSync(join(tmpdir(), `merge-${name}-`));
      try {
        const target = join(work, "tree");
        mkdirSync(target);
        if (existsSync(localDir)) cpSync(localDir, target, { recursive: true, verbatimSymlinks: true });
        const blobs = blobsOf(remoteDir, remote);
        await applyPullPlan({ tree: createWorkspaceTree() }, { root: target, plan, remoteBytes: (sha) => blobs.get(sha) as Uint8Array });
        expect(treePicture(target)).toEqual(treePicture(join(dir, "expected")));
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  }
});
