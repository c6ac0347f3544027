import { expect, test } from "bun:test";
import { normalizeArgv, RESUME_LATEST, resumeFromFlag } from "./argv.ts";

test("everything after -- passes through untouched", () => {
  expect(normalizeArgv(["run", "shell", "--name", "x", "--", "-c", "vim -u NONE", "--", "--detach"])).toEqual({
    argv: ["run", "shell", "--name", "x"],
    passthrough: ["-c", "vim -u NONE", "--", "--detach"],
  });
});

test("a bare -r / --resume means the latest conversation", () => {
  expect(normalizeArgv(["run", "claude", "-r"]).argv).toEqual(["run", "claude", `--resume=${RESUME_LATEST}`]);
  expect(normalizeArgv(["run", "claude", "--resume", "--detach"]).argv).toEqual(["run", "claude", `--resume=${RESUME_LATEST}`, "--detach"]);
  expect(normalizeArgv(["run", "claude", "-r", "abc-123", "--detach"]).argv).toEqual(["run", "claude", "--resume", "abc-123", "--detach"]);
  expect(normalizeArgv(["run", "claude", "-r", "--", "x"])).toEqual({ argv: ["run", "claude", `--resume=${RESUME_LATEST}`], passthrough: ["x"] });
});

test("resume flag values map to the profile's resume option", () => {
  expect(resumeFromFlag(undefined)).toBeUndefined();
  expect(resumeFromFlag(RESUME_LATEST)).toBe(true);
  expect(resumeFromFlag("abc")).toBe("abc");
});
