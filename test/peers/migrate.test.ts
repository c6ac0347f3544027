import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import { cli, tempHome } from "../support/cli.ts";
import { startFakeAnthropic, typedTexts } from "../support/fake-anthropic.ts";
import { startFakeResponses, typedInputs } from "../support/fake-openai-responses.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";

/**
 * The real Claude Code and Codex CLIs against loopback fakes of their providers' APIs
 * (SPEC §9): converse here, migrate forward into a control plane whose HOME is another
 * directory, take a turn there on the same conversation, migrate back, and the CLI's own
 * resume sends every message of both sides. Opt-in: `npm run test:peers` (scripts/peers.ts
 * installs the CLIs once and sets REMOTE_PEERS_BIN); without it the default `npm test` skips this.
 */
const peersBin = process.env.REMOTE_PEERS_BIN;
const peers = peersBin !== undefined;
type Home = ReturnType<typeof tempHome>;
type Peer = {
  readonly profile: "claude" | "codex";
  /** Starts the fake API; returns the env both sides need and what the last request's typed texts were. */
  readonly provider: () => { env: Record<string, string>; lastTyped: () => string[]; stop: () => void; prepare: (home: string) => void };
  readonly ask: (text: string) => string[];
  readonly resume: (id: string, text: string) => string[];
  /** The id of the only conversation in `home`. */
  readonly conversationId: (home: string, work: string) => string;
  /** Where the conversation sits in a HOME (the same relative path on both sides: HOME parity). */
  readonly transcript: (home: string, work: string, id: string) => string | undefined;
};

const walk = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir, { recursive: true, encoding: "utf8" }).map((p) => join(dir, p)) : []);

const PEERS: readonly Peer[] = [
  {
    profile: "claude",
    provider: () => {
      const api = startFakeAnthropic();
      return { env: { ANTHROPIC_BASE_URL: api.url, ANTHROPIC_API_KEY: "sk-ant-fake", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" }, lastTyped: () => typedTexts(api.requests.at(-1) ?? { messages: [] }), stop: api.stop, prepare: () => {} };
    },
    ask: (text) => ["-p", text],
    resume: (id, text) => ["-p", "--resume", id, text],
    conversationId: (home, work) => (readdirSync(join(home, ".claude", "projects", claudeProjectKey(work)))[0] as string).replace(/\.jsonl$/, ""),
    transcript: (home, work, id) => join(home, ".claude", "projects", claudeProjectKey(work), `${id}.jsonl`),
  },
  {
    profile: "codex",
    provider: () => {
      const api = startFakeResponses();
      const config = `model_provider = "fake"\nmodel = "gpt-fake"\n[model_providers.fake]\nname = "fake"\nbase_url = "${api.url}/v1"\nwire_api = "responses"\nenv_key = "FAKE_KEY"\n`;
      const prepare = (home: string) => {
        mkdirSync(join(home, ".codex"), { recursive: true });
        writeFileSync(join(home, ".codex", "config.toml"), config);
      };
      return { env: { FAKE_KEY: "fake" }, lastTyped: () => typedInputs(api.requests.at(-1) ?? { input: [] }), stop: api.stop, prepare };
    },
    ask: (text) => ["exec", "--skip-git-repo-check", text],
    resume: (id, text) => ["exec", "--skip-git-repo-check", "resume", id, text],
    conversationId: (home) => /rollout-.*-([0-9a-f-]{36})\.jsonl$/.exec(walk(join(home, ".codex", "sessions")).find((p) => p.endsWith(".jsonl")) ?? "")?.[1] ?? "",
    transcript: (home, _work, id) => walk(join(home, ".codex", "sessions")).find((p) => p.endsWith(`-${id}.jsonl`)),
  },
];

for (const peer of PEERS) {
  describe.if(peers)(`peers: the real ${peer.profile}`, () => {
    let provider: ReturnType<Peer["provider"]>;
    let bin: string;
    let laptop: Home;
    let far: Home;
    let serve: ServeProcess;

    beforeAll(async () => {
      laptop = tempHome(`remote-peers-${peer.profile}-laptop-`);
      far = tempHome(`remote-peers-${peer.profile}-far-`);
      bin = peersBin as string;
      provider = peer.provider();
      for (const side of [laptop, far]) {
        Object.assign(side.env, provider.env, { PATH: `${bin}:${side.env.PATH}` });
        provider.prepare(side.dir);
      }
      serve = await startServe(far);
    }, 300_000);
    afterAll(async () => {
      await serve?.stop();
      provider?.stop();
      far?.[Symbol.dispose]();
      laptop?.[Symbol.dispose]();
    });

    test(`${peer.profile}: a conversation goes to another HOME and comes back with every message`, async () => {
      const work = join(laptop.dir, "project");
      mkdirSync(work);
      const agent = (side: Home, args: string[]) => cli(side.env, args, { cwd: work, command: [join(bin, peer.profile)] });
      expect((await agent(laptop, peer.ask("alpha question"))).stdout).toContain("answer to: alpha question");
      const id = peer.conversationId(laptop.dir, work);

      const env = { ...laptop.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
      const forward = await cli(env, ["migrate", "forward", peer.profile, "--no-attach", "--no-auth"], { cwd: work });
      expect(forward.code).toBe(0);
      const there = peer.transcript(far.dir, work, id);
      expect(there && readFileSync(there, "utf8")).toBe(readFileSync(peer.transcript(laptop.dir, work, id) as string, "utf8"));

      // A turn over there, in the far HOME, on the same conversation.
      expect((await agent(far, peer.resume(id, "beta question"))).stdout).toContain("answer to: beta question");

      const back = await cli(env, ["migrate", "back"], { cwd: work });
      expect(back.code).toBe(0);
      expect(back.stdout).toBe(`${peer.profile === "claude" ? `claude --resume ${id}` : `codex resume ${id}`}\n`);
      expect((await agent(laptop, peer.resume(id, "gamma question"))).stdout).toContain("answer to: gamma question");
      expect(provider.lastTyped()).toEqual(["alpha question", "beta question", "gamma question"]);
    }, 300_000);
  });
}
