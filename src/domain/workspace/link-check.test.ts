import { expect, test } from "bun:test";
import { linkProblem } from "./link-check.ts";
import { WorkspaceLinkSchema } from "./schemas.ts";

const good = { remote: "http://127.0.0.1:8080", workspaceId: "abcd1234", path: "/home/me/project", home: "/home/me" };

test("the plain link check a push uses agrees with WorkspaceLinkSchema", () => {
  const cases: unknown[] = [
    good,
    { ...good, extra: 1 },
    { ...good, remote: "" },
    { ...good, workspaceId: "ABC" },
    { ...good, workspaceId: "abc" },
    { ...good, workspaceId: "a".repeat(33) },
    { ...good, path: "relative/path" },
    { ...good, home: 7 },
    { remote: good.remote, workspaceId: good.workspaceId, path: good.path },
    null,
    [],
    "text",
  ];
  for (const value of cases) expect({ value, plain: linkProblem(value) === undefined }).toEqual({ value, plain: WorkspaceLinkSchema.safeParse(value).success });
  expect(linkProblem({ ...good, path: "x" })).toContain("path");
});
