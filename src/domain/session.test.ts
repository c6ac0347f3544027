import { describe, expect, test } from "bun:test";
import { startingRecord } from "./session.ts";

const fields = { id: "abcd1234", profile: "shell", command: "/bin/bash", args: [], cwd: "/w", socketPath: "/s/abcd1234.sock", createdAt: "2026-12-01T00:00:00.000Z", launcher: { pid: 7, startTime: "99" } };

describe("startingRecord", () => {
  test("a starting run record answered for by its launcher, with a default name", () => {
    expect(startingRecord(fields)).toEqual({ ...fields, name: "shell-abcd", source: "run", state: "starting", clients: 0, meta: {} });
  });
  test("a name asked for is checked", () => {
    expect(startingRecord({ ...fields, name: "demo", meta: { job: "j1" } })).toMatchObject({ name: "demo", meta: { job: "j1" } });
    expect(() => startingRecord({ ...fields, name: "-bad name" })).toThrow("Cannot use session name '-bad name'");
  });
});
