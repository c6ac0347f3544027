import { expect, test } from "bun:test";
import * as api from "../../src/app/api.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { tempHome } from "../support/cli.ts";

test("the package API runs, lists, sends to, reads and stops a session", async () => {
  using home = tempHome();
  const deps = createRealDeps(home.env);
  expect(api.isCliProfile("claude")).toBe(true);
  expect(api.coerceCliProfileName("claude-code")).toBe("claude");
  expect(api.withResume(api.resolveProfile("claude"), "abc").args).toEqual(["--resume", "abc"]);

  const { session } = await api.run({ profile: "shell", name: "scripted", detach: true, args: ["--norc", "--noprofile", "-i"], deps });
  expect((await api.list(deps)).map((s) => [s.name, s.view])).toEqual([["scripted", "running"]]);
  await api.send("scripted", "echo api-$((20+1))", { enter: true, deps });
  // The reply to `send` comes after the host wrote the keys; the echo follows shortly: read until seen.
  let text = "";
  for (let i = 0; i < 200 && !text.includes("api-21"); i++) text = await api.logs(session.id, { deps });
  expect(text).toContain("api-21");
  const stopped = await api.stop("scripted", "test over", deps);
  expect(stopped.view).toBe("exited");
  expect(api.plan({ profile: "codex", resume: true, model: "o3", deps })).resolves.toMatchObject({ command: "codex", args: ["resume", "--last", "-m", "o3"] });
});
