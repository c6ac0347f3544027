/**
 * Opt-in (`npm run test:peers`): agent state with the REAL Claude Code TUI in a session,
 * against a loopback fake of its API (SPEC §9; no network, no account). Its own hooks,
 * given by `--settings`, move the session: a prompt -> working -> waiting as the turn
 * ends; a tool call -> needs-approval until the person answers; a 429 -> throttled.
 * REMOTE_PEERS_BIN is where the real CLIs are (scripts/peers.ts installs them and sets it).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSqliteEventLog } from "../../src/adapters/store/sqlite-event-log.ts";
import { cli, secureParent, tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";
import { startFakeAnthropic } from "../support/fake-anthropic.ts";
import { startFakeGemini } from "./fake-gemini.ts";

const bin = process.env.REMOTE_PEERS_BIN;
const KEY = "sk-ant-api03-fakefakefakefakefakefake";

describe.skipIf(bin === undefined || !existsSync(join(bin, "claude")))("the real Claude Code", () => {
  test("prompt -> working -> waiting; a tool call -> needs-approval -> working -> waiting; a 429 -> throttled", async () => {
    using home = tempHome("remote-peers-claude-");
    const api = startFakeAnthropic();
    try {
      const work = join(home.dir, "work");
      mkdirSync(work);
      // Onboarding done, this API key approved, this folder trusted: the TUI opens on its prompt.
      writeFileSync(join(home.dir, ".claude.json"), JSON.stringify({ hasCompletedOnboarding: true, customApiKeyResponses: { approved: [KEY.slice(-20)], rejected: [] }, projects: { [work]: { hasTrustDialogAccepted: true } } }));
      Object.assign(home.env, {
        PATH: `${bin}:${home.env.PATH}`,
        ANTHROPIC_BASE_URL: api.url,
        ANTHROPIC_API_KEY: KEY,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
        // The 429 is shown at once instead of after Claude Code's own retries.
        CLAUDE_CODE_MAX_RETRIES: "0",
      });
      const run = await cli(home.env, ["run", "claude", "--detach", "--name", "real"], { cwd: work });
      expect(run.code).toBe(0);
      const id = run.stdout.trim();
      const wait = async (until: string) => expect((await cli(home.env, ["wait", id, "--until", until, "--timeout", "60s"])).stdout).toBe(`${until}\n`);
      const send = async (...args: string[]) => expect((await cli(home.env, ["send", id, ...args])).code).toBe(0);
      const states = () => createSqliteEventLog({ path: join(home.env.REMOTE_HOME as string, "remote.db") }).after(0, 1000).filter((e) => e.subjectId === id).map((e) => e.state);

      await wait("waiting"); // SessionStart
      await send("say hello", "--enter");
      await eventually(() => states().length >= 4 && states(), "the turn to end");
      expect(states()).toEqual(["starting", "waiting", "working", "waiting"]);

      await send("use a tool please", "--enter");
      await wait("needs-approval");
      const asking = (JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as { agent: { detail: string } }[])[0];
      expect(asking?.agent.detail).toContain("permission");
      await send("1"); // "Yes"
      await eventually(() => states().length >= 8 && states(), "the tool's turn to end");
      expect(existsSync(join(work, "made-by-tool"))).toBe(true);
      expect(states().slice(4)).toEqual(["working", "needs-approval", "working", "waiting"]);

      await send("now hit the rate limit", "--enter");
      await wait("throttled");
      const throttled = (JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as { agent: { detail: string } }[])[0];
      expect(throttled?.agent.detail).toMatch(/429|rate limit/i);
      expect(api.prompts).toEqual(["say hello", "use a tool please", "(tool result)", "now hit the rate limit"]);
    } finally {
      await cli(home.env, ["stop", "real"]);
      api.stop();
    }
  }, 180_000);
});

describe.skipIf(bin === undefined || !existsSync(join(bin, "gemini")) || secureParent() === undefined)("the real Gemini CLI", () => {
  test("prompt -> working -> waiting; a shell command -> needs-approval -> working -> waiting", async () => {
    // Gemini CLI reads our settings file only when no directory above it is writable by others (/tmp is).
    using home = tempHome("remote-peers-gemini-", secureParent());
    const api = startFakeGemini();
    try {
      const work = join(home.dir, "work");
      mkdirSync(work);
      mkdirSync(join(home.dir, ".gemini"));
      writeFileSync(join(home.dir, ".gemini", "settings.json"), JSON.stringify({ security: { auth: { selectedType: "gemini-api-key" } } }));
      Object.assign(home.env, { PATH: `${bin}:${home.env.PATH}`, GEMINI_API_KEY: "fake", GOOGLE_GEMINI_BASE_URL: api.url, GEMINI_CLI_TRUST_WORKSPACE: "true" });
      const run = await cli(home.env, ["run", "gemini", "--detach", "--name", "real"], { cwd: work });
      expect(run.code).toBe(0);
      const id = run.stdout.trim();
      const wait = async (until: string) => expect((await cli(home.env, ["wait", id, "--until", until, "--timeout", "60s"])).stdout).toBe(`${until}\n`);
      // Typed fast, Enter would be part of a paste (a newline): the text, then Enter on its own.
      // Gemini takes no Enter for a moment after AfterAgent (its turn's bookkeeping): pressed again until the turn starts.
      const type = async (text: string) => {
        const before = states().length;
        expect((await cli(home.env, ["send", id, text])).code).toBe(0);
        // Never once the turn started: a second Enter landing on the tool's confirmation dialog answers it (allow once).
        await eventually(async () => {
          if (states().length > before) return true;
          expect((await cli(home.env, ["send", id, "", "--enter"])).code).toBe(0);
          return states().length > before;
        }, `gemini to take ${JSON.stringify(text)}`, 60_000, 1000);
      };
      const states = () => createSqliteEventLog({ path: join(home.env.REMOTE_HOME as string, "remote.db") }).after(0, 1000).filter((e) => e.subjectId === id).map((e) => e.state);

      await wait("waiting"); // SessionStart
      await type("say hello");
      await eventually(() => states().length >= 4 && states(), "the turn to end");
      expect(states()).toEqual(["starting", "waiting", "working", "waiting"]);
      await type("use a tool please");
      await wait("needs-approval");
      await eventually(async () => (await cli(home.env, ["logs", id])).stdout.includes("Allow execution"), "the confirmation dialog");
      expect((await cli(home.env, ["send", id, "", "--enter"])).code).toBe(0); // the first choice: allow once
      await eventually(() => states().at(-1) === "waiting" && states().length >= 7 && states(), "the tool's turn to end");
      expect(existsSync(join(work, "made-by-tool"))).toBe(true);
      expect(states().slice(4)).toEqual(["working", "needs-approval", "working", "waiting"]);
    } finally {
      await cli(home.env, ["stop", "real"]);
      api.stop();
    }
  }, 180_000);
});
