import { describe, expect, test } from "bun:test";
import { isRemoteError } from "../errors.ts";
import { DEFAULT_DEPTH_BUDGET, childDepthBudget, depthBudget, depthEnv, parseDepthEnv } from "./depth.ts";

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (isRemoteError(error)) return error;
    throw error;
  }
  throw new Error("expected a RemoteError");
};

describe("depthBudget", () => {
  test.each([
    // [env, maxDepth, expected]
    [undefined, undefined, DEFAULT_DEPTH_BUDGET],
    ["", undefined, DEFAULT_DEPTH_BUDGET],
    [undefined, 5, 5],
    [undefined, 0, 0],
    ["2", undefined, 2],
    [" 2 ", undefined, 2],
    ["2", 1, 1], // --max-depth lowers an inherited budget
    ["2", 9, 2], // …but never raises it
    ["0", undefined, 0],
  ])("env %p, --max-depth %p -> %p", (env, maxDepth, expected) => {
    expect(depthBudget({ env, maxDepth })).toBe(expected);
  });

  test("the default is an option", () => {
    expect(depthBudget({ env: undefined, defaultBudget: 7 })).toBe(7);
  });
});

describe("childDepthBudget", () => {
  test("the child gets budget − 1", () => {
    expect(childDepthBudget({ env: undefined })).toBe(DEFAULT_DEPTH_BUDGET - 1);
    expect(childDepthBudget({ env: "1" })).toBe(0);
    expect(childDepthBudget({ env: undefined, maxDepth: 1 })).toBe(0);
  });

  test("a chain from the top stops after the default number of levels", () => {
    let env: string | undefined;
    let levels = 0;
    for (;;) {
      let child: number;
      try {
        child = childDepthBudget({ env });
      } catch {
        break;
      }
      env = depthEnv(child).REMOTE_DELEGATE_DEPTH;
      levels++;
    }
    expect(levels).toBe(DEFAULT_DEPTH_BUDGET);
    expect(env).toBe("0");
  });

  test("an inherited 0 refuses with DEPTH_EXHAUSTED (usage) and says what to do", () => {
    const error = refusal(() => childDepthBudget({ env: "0" }));
    expect(error.code).toBe("DEPTH_EXHAUSTED");
    expect(error.kind).toBe("usage");
    expect(error.message).toBe("Cannot delegate from here: the delegation depth budget is used up (REMOTE_DELEGATE_DEPTH=0)");
    expect(error.hint).toContain("do the work here");
  });

  test("--max-depth 0 refuses too, with its own hint", () => {
    const error = refusal(() => childDepthBudget({ env: undefined, maxDepth: 0 }));
    expect(error.code).toBe("DEPTH_EXHAUSTED");
    expect(error.hint).toContain("--max-depth 1");
  });

  test("--max-depth cannot rescue an exhausted budget", () => {
    expect(refusal(() => childDepthBudget({ env: "0", maxDepth: 5 })).code).toBe("DEPTH_EXHAUSTED");
  });
});

describe("bad values are usage errors, never guessed", () => {
  test.each(["-1", "abc", "1.5", "3x", "99999999"])("REMOTE_DELEGATE_DEPTH=%p", (raw) => {
    const error = refusal(() => parseDepthEnv(raw));
    expect(error.code).toBe("INVALID_DEPTH");
    expect(error.kind).toBe("usage");
  });

  test.each([-1, 1.5, Number.NaN])("--max-depth %p", (maxDepth) => {
    expect(refusal(() => depthBudget({ env: undefined, maxDepth })).code).toBe("INVALID_DEPTH");
  });
});
