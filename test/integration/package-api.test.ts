/**
 * The package as a user's Bun script imports it: a folder with node_modules/remote
 * linked to this repository, a script doing `import { startJob, ... } from "remote"`
 * (test/fixtures/package-user/jobs.ts), run by bun in a subprocess with a temp
 * REMOTE_HOME, delegating to the fake claude and waiting for it.
 */
import { expect, test } from "bun:test";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../support/cli.ts";
import { jobsHome, readArgvLog } from "./jobs-support.ts";

test("a Bun script imports the package by name and runs jobs with startJob, resumeThrottledJob, waitJob and conductLoop", async () => {
  using home = jobsHome({ FAKE_CLI_MODE: "throttle-once", REMOTE_BACKOFF_BASE_MS: "3600000" });
  home.env.FAKE_CLI_STATE = join(home.dir, "throttled-once");
  mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
  // Nothing but the script moves these jobs: no automatic conductor, no hand-off.
  writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), "job_auto_conduct = false\njob_handoff = false\n");
  const user = join(home.dir, "user-project");
  mkdirSync(join(user, "node_modules"), { recursive: true });
  writeFileSync(join(user, "package.json"), JSON.stringify({ name: "user-project", type: "module", dependencies: { remote: `file:${repoRoot}` } }));
  symlinkSync(repoRoot, join(user, "node_modules", "remote"), "dir");
  copyFileSync(join(repoRoot, "test", "fixtures", "package-user", "jobs.ts"), join(user, "jobs.ts"));

  const proc = Bun.spawn([process.execPath, "jobs.ts", home.repo], { cwd: user, env: home.env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`the script exited ${code}:\n${stderr}`);
  const out = JSON.parse(stdout);
  expect(out.blocker).toBe("running");
  expect(out.queuedState).toBe("pending");
  expect(out.start).toMatchObject({ started: true, target: "local", detail: expect.stringContaining("headless in ") });
  expect(out.again.started).toBe(false);
  expect(out.again.error).toMatch(/^Cannot start job '[a-z0-9]{8}': it is (running|throttled)$/);
  expect(out.resume).toMatchObject({ started: true, target: "local" });
  expect(out.done).toMatchObject({ state: "done", exitCode: 0 });
  expect(out.done.cwd).toStartWith(join(home.repo, ".remote", "jobs"));
  expect([out.passes, out.loopExit, out.realLoopExit]).toEqual([3, 0, 0]);
  expect(out.badWatch).toStartWith("usage: Cannot use --watch 'soon': ");
  expect(out.cancelled).toBe("cancelled");
  // The fake claude ran the task headless, then continued the conversation after the throttle.
  expect(readArgvLog(home.argvLog)).toEqual([
    ["claude", "-p", "fix the flaky test"],
    ["claude", "-p", "--continue", "fix the flaky test"],
  ]);
  // Three passes of the script's own loop, one of the real conductor, each a line on stderr.
  expect(stderr.match(/conduct: started 0 · finished \d/g)).toHaveLength(3);
  expect(stderr).toMatch(/conduct: cap \d+\/\d+ · running 1/);
}, 90_000);
