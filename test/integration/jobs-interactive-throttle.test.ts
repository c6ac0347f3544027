/**
 * An interactive job is a session running the agent's TUI, which stays open when the
 * provider rate-limits it. The conductor reads the session's new output while it runs:
 * the real rate-limit message moves the job to throttled with the session left open,
 * and when the retry is due "continue" is typed into that same session. The message
 * still on screen is never counted twice; prose about rate limits never counts.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";
import { jobsHome, until, recordEvents, readArgvLog } from "./jobs-support.ts";

type Home = ReturnType<typeof jobsHome>;

const RATE_LIMIT = "API Error: Request rejected (429) · This request would exceed the rate limit for your organization of 50 requests per minute.";

/** Only the test's own `jobs conduct` passes (and `jobs status`) look at the job. */
function noAutoConductor(home: Home) {
  mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
  writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), "job_auto_conduct = false\n");
}


async function delegate(home: Home, args: string[]) {
  const r = await cli(home.env, ["delegate", ...args], { cwd: home.repo });
  expect(r.stdout).toMatch(/^[a-z0-9]{8}\n$/);
  return r.stdout.trim();
}

const job = (home: Home, id: string) => home.jobs().find((j) => j.id === id);

/** The session's screen as `remote logs` prints it, once it shows `text`. */
const screenShowing = (home: Home, sessionId: string, text: string) =>
  eventually(async () => {
    const screen = (await cli(home.env, ["logs", sessionId])).stdout;
    return screen.includes(text) ? screen : undefined;
  }, `the screen to show ${JSON.stringify(text)}`);

describe("interactive jobs and rate limits", () => {
  test("the open TUI's rate-limit message: throttled with the session alive, then 'continue' typed into it, counted once", async () => {
    const base = 300;
    using home = jobsHome({ FAKE_CLI_MODE: "throttle-once", REMOTE_BACKOFF_BASE_MS: String(base) });
    home.env.FAKE_CLI_STATE = join(home.dir, "throttled-once");
    noAutoConductor(home);
    const events = recordEvents(home);
    const id = await delegate(home, ["claude", "fix it"]);
    const sessionId = await until(() => job(home, id)?.sessionId, "its session");
    expect(job(home, id)?.watchOffset).toBe(0);
    await screenShowing(home, sessionId, "Claude Code (fake)");

    // Someone types a prompt; the provider answers 429 and the TUI stays open on the message.
    expect((await cli(home.env, ["send", sessionId, "start with the tests", "--enter"])).code).toBe(0);
    await screenShowing(home, sessionId, "API Error: Request rejected (429)");
    const status = await cli(home.env, ["jobs", "status", id]);
    expect(status.stdout).toContain("throttled");
    const throttled = job(home, id);
    expect(throttled).toMatchObject({ state: "throttled", sessionId, throttle: { attempts: 1, lastSignature: "claude:rate-limit", lastLine: RATE_LIMIT } });
    const at = Date.parse(throttled?.throttle?.lastAt ?? "");
    const retry = Date.parse(throttled?.throttle?.nextRetryAt ?? "");
    expect(retry).toBeGreaterThanOrEqual(at);
    expect(retry).toBeLessThanOrEqual(at + base); // random() * min(30 min, base * 2^0)
    expect(throttled?.watchOffset).toBeGreaterThan(0);
    const sessions = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as { id: string; state: string }[];
    expect(sessions.find((s) => s.id === sessionId)?.state).toBe("running"); // it keeps its session (and its slot)

    // While it waits the TUI redraws (a resize, Ctrl+L): the message is printed again, after
    // the watch offset of the throttle.
    expect((await cli(home.env, ["send", sessionId, "/redraw", "--enter"])).code).toBe(0);
    await screenShowing(home, sessionId, "(screen redrawn)");

    // Once the retry is due, a conductor pass types "continue" into the same session.
    const resumed = await eventually(async () => {
      expect((await cli(home.env, ["jobs", "conduct"], { cwd: home.repo })).code).toBe(0);
      const j = job(home, id);
      return j?.state === "running" ? j : undefined;
    }, "the conductor to resume the job");
    expect(resumed).toMatchObject({ sessionId, launches: 2 });
    expect(resumed.watchOffset).toBeGreaterThanOrEqual(throttled?.watchOffset ?? Number.POSITIVE_INFINITY);
    const screen = await screenShowing(home, sessionId, "Picking up where we left off. Done: fix it");
    expect(screen).toContain("> continue");
    expect(screen).toContain("API Error: Request rejected (429)"); // still on screen...

    // ...even printed again by a redraw after the continue (a person attaching at another
    // size): not counted again, it comes before the echo of "continue".
    expect((await cli(home.env, ["send", sessionId, "/redraw", "--enter"])).code).toBe(0);
    await eventually(async () => {
      const text = (await cli(home.env, ["logs", sessionId])).stdout;
      return text.lastIndexOf("(screen redrawn)") > text.lastIndexOf("Picking up where we left off");
    }, "the redraw after the continue");
    expect((await cli(home.env, ["jobs", "conduct"], { cwd: home.repo })).code).toBe(0);
    const after = job(home, id);
    expect(after).toMatchObject({ state: "running", throttle: { attempts: 1 } });
    expect(after?.watchOffset).toBeGreaterThan(resumed.watchOffset ?? 0);
    expect(readArgvLog(home.argvLog)).toEqual([["claude", "fix it"]]); // one session, no second run

    // Its person ends it: done, though the 429 is still on its last screen.
    expect((await cli(home.env, ["send", sessionId, "/exit", "--enter"])).code).toBe(0);
    expect((await cli(home.env, ["jobs", "wait", id])).code).toBe(0);
    expect(job(home, id)).toMatchObject({ state: "done", exitCode: 0, throttle: { attempts: 1 } });
    expect(readFileSync(events, "utf8").trim().split("\n")).toEqual([
      "job:queued pending",
      "job:start running",
      "job:throttle throttled",
      "job:resume running",
      "job:done done",
    ]);
  }, 60_000);

  test("nobody conducts: the automatic conductor notices the throttle and types 'continue' by itself", async () => {
    using home = jobsHome({ FAKE_CLI_MODE: "throttle-once", REMOTE_BACKOFF_BASE_MS: "200", REMOTE_CONDUCT_INTERVAL_MS: "100" });
    home.env.FAKE_CLI_STATE = join(home.dir, "throttled-once");
    const id = await delegate(home, ["claude", "fix it"]);
    const sessionId = await until(() => job(home, id)?.sessionId, "its session");
    await screenShowing(home, sessionId, "Claude Code (fake)");
    expect((await cli(home.env, ["send", sessionId, "go", "--enter"])).code).toBe(0);
    await screenShowing(home, sessionId, "Picking up where we left off. Done: fix it");
    expect(job(home, id)).toMatchObject({ state: "running", sessionId, launches: 2, throttle: { attempts: 1 } });
    expect((await cli(home.env, ["send", sessionId, "/exit", "--enter"])).code).toBe(0);
    expect((await cli(home.env, ["jobs", "wait", id])).code).toBe(0);
    expect(job(home, id)).toMatchObject({ state: "done", throttle: { attempts: 1 } });
  }, 30_000);

  test("prose that mentions rate limits keeps the job running; the watch moves past it", async () => {
    // Each line shorter than the screen is wide, so the screen shows it whole.
    const prose = [
      "Rate limit handling: the API allows 50 requests a minute.",
      "When the usage limit is reached, the client now waits.",
      "A 429 Too Many Requests is retried after a pause.",
    ].join("\n");
    using home = jobsHome({ FAKE_CLI_ANSWER: prose });
    noAutoConductor(home);
    const id = await delegate(home, ["claude", "explain the retries"]);
    const sessionId = await until(() => job(home, id)?.sessionId, "its session");
    await screenShowing(home, sessionId, "Claude Code (fake)");
    expect((await cli(home.env, ["send", sessionId, "what about rate limits?", "--enter"])).code).toBe(0);
    await screenShowing(home, sessionId, "A 429 Too Many Requests is retried after a pause.");

    expect((await cli(home.env, ["jobs", "conduct"], { cwd: home.repo })).code).toBe(0);
    const seen = job(home, id);
    expect(seen?.state).toBe("running");
    expect(seen?.throttle).toBeUndefined();
    // The pass did read the prose: the watch offset is past it.
    expect(seen?.watchOffset).toBeGreaterThan(prose.length);
    expect((await cli(home.env, ["jobs", "cancel", id])).code).toBe(0);
  }, 30_000);
});
