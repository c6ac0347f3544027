import { expect, test } from "bun:test";
import { envWithOwnHome } from "./session-home.ts";

test("a session with its own HOME reads its CLI's files there, and keeps our data dir", () => {
  const env = { PATH: "/usr/bin", HOME: "/root", CLAUDE_CONFIG_DIR: "/root/.claude", CODEX_HOME: "/x", XDG_CONFIG_HOME: "/root/.config", XDG_DATA_HOME: "/d", TERM: "xterm" };
  expect(envWithOwnHome(env, "/data/sessions/a/home", "/data")).toEqual({ PATH: "/usr/bin", HOME: "/data/sessions/a/home", REMOTE_HOME: "/data", TERM: "xterm" });
  // The input is left as it was.
  expect(env.HOME).toBe("/root");
});
