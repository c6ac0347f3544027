import { expect, test } from "bun:test";
import { checkTargetFlags, parseTargetName } from "./target-name.ts";

test("a target is local by default, one of the known names, or a usage error with a suggestion", () => {
  expect(parseTargetName(undefined)).toBe("local");
  expect(parseTargetName("kubernetes")).toBe("kubernetes");
  expect(() => parseTargetName("kubernets")).toThrow("not a target");
  try {
    parseTargetName("dokcer");
  } catch (error) {
    expect((error as { hint: string }).hint).toContain("--target docker");
  }
});

test("a flag the target cannot honour is refused, naming the targets that take it", () => {
  expect(() => checkTargetFlags("kubernetes", ["--image", "--context", "--namespace", "--cpu", "--memory"])).not.toThrow();
  expect(() => checkTargetFlags("local", [])).not.toThrow();
  expect(() => checkTargetFlags("local", ["--image"])).toThrow("--image with --target local: it applies only to docker or kubernetes");
  expect(() => checkTargetFlags("docker", ["--context"])).toThrow("only to kubernetes");
});
