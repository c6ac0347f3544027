import { describe, expect, test } from "bun:test";
import type { Entry } from "./entry.ts";
import { pathsToFetch, planSafePull } from "./pull-plan.ts";

const f = (sha: string, mode = 0o644): Entry => ({ type: "file", sha256: sha.padEnd(64, "0"), size: 1, mode });
const l = (target: string): Entry => ({ type: "link", target });

describe("planSafePull (until the 3-way merge lands: never overwrite a local change)", () => {
  test("equal sides -> nothing; one side changed -> take it; a remote deletion applies when the base proves the file", () => {
    const base = { same: f("a"), theirs: f("b"), mine: f("c"), gone: f("d"), mode: f("e") };
    const local = { same: f("a"), theirs: f("b"), mine: f("C"), gone: f("d"), mode: f("e"), new: f("n") };
    const remote = { same: f("a"), theirs: f("B"), mine: f("c"), mode: f("e", 0o755), added: l("same") };
    expect(planSafePull({ base, local, remote })).toEqual([
      { kind: "write", path: "added", entry: l("same") },
      { kind: "delete", path: "gone" },
      { kind: "write", path: "mode", entry: f("e", 0o755) },
      { kind: "write", path: "theirs", entry: f("B") },
    ]);
  });

  test("changes on both sides are conflicts, with the reason", () => {
    const base = { both: f("a"), delHere: f("b"), delThere: f("c") };
    const local = { both: f("x"), delThere: f("C"), addBoth: f("1") };
    const remote = { both: f("y"), delHere: f("B"), addBoth: f("2") };
    expect(planSafePull({ base, local, remote }).map((a) => (a.kind === "conflict" ? `${a.path}: ${a.reason}` : a.kind))).toEqual([
      "addBoth: added on both sides with different contents",
      "both: changed on both sides",
      "delHere: deleted here, changed on the remote",
      "delThere: changed here, deleted on the remote",
    ]);
  });

  test("a local deletion stays deleted; a file deleted on both sides is nothing", () => {
    expect(planSafePull({ base: { a: f("a"), b: f("b") }, local: { a: f("a") }, remote: { a: f("a"), b: f("b") } })).toEqual([]);
    expect(planSafePull({ base: { a: f("a") }, local: {}, remote: {} })).toEqual([]);
  });

  test("a file that became a folder on the remote: the file is deleted and the paths under it written", () => {
    const actions = planSafePull({ base: { a: f("a") }, local: { a: f("a") }, remote: { "a/b": f("b") } });
    expect(actions).toEqual([
      { kind: "delete", path: "a" },
      { kind: "write", path: "a/b", entry: f("b") },
    ]);
    expect(pathsToFetch(actions)).toEqual(["a/b"]);
  });

  test("a first pull into an empty folder writes everything; links need no bytes", () => {
    const actions = planSafePull({ base: {}, local: {}, remote: { x: f("x"), y: l("x") } });
    expect(actions.map((a) => a.kind)).toEqual(["write", "write"]);
    expect(pathsToFetch(actions)).toEqual(["x"]);
  });
});
