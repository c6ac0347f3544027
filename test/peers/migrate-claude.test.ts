import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import { cli, tempHome } from "../support/cli.ts";
import { startFakeAnthropic, typedTexts, type FakeAnthropic } from "../support/fake-anthropic.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { realCliBin } from "./install.ts";

/**
 * The real Claude Code against a loopback fake of Anthropic's API (SPEC §9): converse
 * here, migrate forward into a control plane whose HOME is another directory, continue the
 * conversation there, migrate back, and `claude -p --resume <id>` sends every message of
 * both sides. Opt-in: `npm run test:peers` (REMOTE_PEERS=1; installs the CLI on first use,
 * outside the repo); the default `npm test` skips it.
 */
const peers = process.env.REMOTE_PEERS === "1";
describe.if(peers)("peers: the real claude", () => {
  let api: FakeAnthropic;
  let bin: string;
  let laptop: ReturnType<typeof tempHome>;
  let far: ReturnType<typeof tempHome>;
  let serve: ServeProcess;

  beforeAll(async () => {
    laptop = tempHome("remote-peers-laptop-");
    far = tempHome("remote-peers-far-");
    bin = await realCliBin("@anthropic-ai/claude-code", "claude");
    api = startFakeAnthropic();
    const provider = { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-ant-fake", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" };
    for (const side of [laptop, far]) Object.assign(side.env, provider, { PATH: `${bin}:${side.env.PATH}` });
    serve = await startServe(far);
  }, 300_000);
  afterAll(async () => {
    await serve?.stop();
    api?.stop();
    far?.[Symbol.dispose]();
    laptop?.[Symbol.dispose]();
  });

  test("claude: a conversation goes to another HOME and comes back with every message", async () => {
    const work = join(laptop.dir, "project");
    mkdirSync(work);
    const claude = (side: typeof laptop, ...args: string[]) => cli(side.env, args, { cwd: work, command: [join(bin, "claude")] });
    const here = await claude(laptop, "-p", "alpha question");
    expect(here.stdout).toContain("answer to: alpha question");
    const projects = join(laptop.dir, ".claude", "projects", claudeProjectKey(work));
    const id = (readdirSync(projects)[0] as string).replace(/\.jsonl$/, "");

    const env = { ...laptop.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
    const forward = await cli(env, ["migrate", "forward", "claude", "--no-attach", "--no-auth"], { cwd: work });
    expect(forward.code).toBe(0);
    expect(existsSync(join(far.dir, ".claude", "projects", claudeProjectKey(work), `${id}.jsonl`))).toBe(true);

    // A turn over there, in the far HOME, on the same conversation.
    const there = await claude(far, "-p", "--resume", id, "beta question");
    expect(there.stdout).toContain("answer to: beta question");

    const back = await cli(env, ["migrate", "back"], { cwd: work });
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(`claude --resume ${id}\n`);
    const home = await claude(laptop, "-p", "--resume", id, "gamma question");
    expect(home.stdout).toContain("answer to: gamma question");
    expect(typedTexts(api.requests.at(-1) as FakeAnthropic["requests"][number])).toEqual(["alpha question", "beta question", "gamma question"]);
    }, 300_000);
});
