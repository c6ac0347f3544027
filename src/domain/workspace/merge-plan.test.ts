import { expect, test } from "bun:test";
import type { Manifest } from "./entry.ts";
import { planPull, textMergePaths } from "./merge-plan.ts";

const file = (sha: string) => ({ type: "file", sha256: sha.repeat(64), size: 1, mode: 0o644 }) as const;

test("pull plans straight from workspace manifests (Manifest is a Tree)", () => {
  const base: Manifest = { "a.txt": file("a"), "gone.txt": file("g") };
  const local: Manifest = { "a.txt": file("b"), "gone.txt": file("g") };
  const remote: Manifest = { "a.txt": file("c") };
  expect(textMergePaths({ base, local, remote })).toEqual(["a.txt"]);
  // a.txt's texts not handed in: it is merged as binary (backup local, take remote)
  const plan = planPull({ base, local, remote, stamp: "T" });
  expect(plan.actions).toEqual([
    { op: "backup", path: "a.txt", to: "a.txt.bak-T" },
    { op: "remove", path: "gone.txt", type: "file" },
    { op: "write", path: "a.txt", entry: file("c") },
  ]);
  expect(plan).toMatchObject({ exitCode: 1, updateBase: false, conflicts: [{ path: "a.txt", reason: "binary", resolution: "backup" }] });
});

test("a clean pull moves the base; keep-local and take-remote settle conflicts with exit 0", () => {
  const base: Manifest = { "x.bin": file("a") };
  const local: Manifest = { "x.bin": file("b") };
  const remote: Manifest = { "x.bin": file("c") };
  expect(planPull({ base, local: base, remote, stamp: "T" })).toMatchObject({ exitCode: 0, updateBase: true, conflicts: [] });
  expect(planPull({ base, local, remote, stamp: "T", policy: "keep-local" })).toMatchObject({ exitCode: 0, updateBase: true, actions: [] });
  expect(planPull({ base, local, remote, stamp: "T", policy: "take-remote" })).toMatchObject({ exitCode: 0, updateBase: true, actions: [{ op: "write", path: "x.bin" }] });
  expect(planPull({ base, local, remote, stamp: "T", policy: "block" })).toMatchObject({ exitCode: 1, updateBase: false, actions: [] });
});
