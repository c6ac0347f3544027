import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import { cli, repoRoot, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

/**
 * `remote migrate forward|back` between two HOMEs on this machine: the laptop (the test's
 * HOME and REMOTE_HOME) and a `remote serve` with a data dir and HOME of its own, target
 * local. The fake claude keeps its conversation where the real one does
 * (~/.claude/projects/<cwd key>/<id>.jsonl), so what moves is a real transcript.
 */
const fakeBin = join(repoRoot, "test", "fixtures", "bin");
const laptop = tempHome("remote-migrate-laptop-");
const far = tempHome("remote-migrate-far-");
let serve: ServeProcess;
let env: Record<string, string>;

beforeAll(async () => {
  far.env.PATH = `${fakeBin}:${far.env.PATH}`;
  serve = await startServe(far);
  env = { ...laptop.env, PATH: `${fakeBin}:${laptop.env.PATH}`, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
  // A user plugin on the laptop that writes down every migration event it gets.
  const plugins = join(laptop.env.REMOTE_HOME as string, "plugins");
  mkdirSync(plugins, { recursive: true });
  writeFileSync(
    join(plugins, "record-migrations.ts"),
    `import { appendFileSync } from "node:fs";
export default { name: "record-migrations", setup: (hooks, context) => {
  for (const name of ["migrate:forward", "migrate:back"]) hooks.hook(name, (event) => appendFileSync(context.home + "/events.jsonl", JSON.stringify({ name, ...event }) + "\\n"));
} };
`,
  );
});
afterAll(async () => {
  await serve.stop();
  far[Symbol.dispose]();
  laptop[Symbol.dispose]();
});

const transcriptIn = (home: string, cwd: string, id: string) => join(home, ".claude", "projects", claudeProjectKey(cwd), `${id}.jsonl`);
const messages = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { message: { content: string } }).message.content);

/** A project folder where the person already talked to claude (headless, through the fake). */
async function conversedProject(name: string) {
  const work = join(laptop.dir, name);
  mkdirSync(work);
  writeFileSync(join(work, "README.md"), "# project\n");
  const first = await cli(env, ["-p", "first task here"], { cwd: work, command: [join(fakeBin, "claude")] });
  expect(first.code).toBe(0);
  const id = readdirSync(join(laptop.dir, ".claude", "projects", claudeProjectKey(work)))[0]?.replace(/\.jsonl$/, "") as string;
  return { work, id, remote: (...args: string[]) => cli(env, args, { cwd: work }) };
}

/** Types a line into the far session and waits until the far claude has written it into the transcript. */
async function talkFar(sessionId: string, transcript: string, text: string) {
  const sent = await serve.api(`/sessions/${sessionId}/send`, { method: "POST", body: JSON.stringify({ text, enter: true }), headers: { "content-type": "application/json" } });
  expect(sent.status).toBe(204);
  await eventually(() => existsSync(transcript) && messages(transcript).includes(`echo: ${text}`), `the far claude to answer '${text}'`);
}

describe("remote migrate", () => {
  test("forward resumes the conversation in another HOME; back brings every message home and prints the resume command with the id", async () => {
    const { work, id, remote } = await conversedProject("roundtrip");
    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.stderr).toContain(`conversation ${id} runs in session`);
    expect(forward.code).toBe(0);
    const sessionId = forward.stdout.trim();

    // The far side got the conversation in its own HOME before claude started, and claude resumed it.
    const farTranscript = transcriptIn(far.dir, work, id);
    expect(readFileSync(farTranscript, "utf8")).toBe(readFileSync(transcriptIn(laptop.dir, work, id), "utf8"));
    await eventually(async () => ((await (await serve.api(`/sessions/${sessionId}/logs`)).json()) as { text: string }).text.includes(`Resumed session ${id} (2 earlier messages)`), "the far claude to resume the conversation");
    await talkFar(sessionId, farTranscript, "carry on over there");

    // Running forward again reconnects to the same far session: nothing new starts.
    const again = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect([again.code, again.stdout.trim()]).toEqual([0, sessionId]);

    const back = await remote("migrate", "back");
    expect(back.stderr).toContain(`conversation ${id} is back`);
    expect(back.code).toBe(0);
    expect(back.stdout).toBe(`claude --resume ${id}\n`);
    expect(messages(transcriptIn(laptop.dir, work, id))).toEqual(["first task here", "Done: first task here", "carry on over there", "echo: carry on over there"]);
    const session = (await (await serve.api(`/sessions/${sessionId}`)).json()) as { state: string };
    expect(session.state).toBe("exited");

    // The printed command resumes with every message of both sides.
    const resumed = await cli(env, ["-p", "--resume", id, "back home"], { cwd: work, command: [join(fakeBin, "claude")] });
    expect(resumed.stdout).toContain("(4 earlier messages)");
    // Nothing left to bring back.
    expect((await remote("migrate", "back")).code).toBe(2);
  }, 90000);

  test("a conversation that went on on both sides blocks back (nothing touched, exit 1); back --on-conflict backup carries on and keeps both", async () => {
    const { work, id, remote } = await conversedProject("diverged");
    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.code).toBe(0);
    const sessionId = forward.stdout.trim();
    await talkFar(sessionId, transcriptIn(far.dir, work, id), "far side line");
    // Meanwhile the laptop went on too.
    await cli(env, ["-p", "--resume", id, "laptop line"], { cwd: work, command: [join(fakeBin, "claude")] });
    const local = transcriptIn(laptop.dir, work, id);
    const before = readFileSync(local, "utf8");

    const blocked = await remote("migrate", "back");
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("went on differently on both sides");
    expect(readFileSync(local, "utf8")).toBe(before);
    const state = JSON.parse(readFileSync(join(work, ".remote", "migration.json"), "utf8")) as { back: string[]; where: string };
    expect(state).toMatchObject({ back: ["stop"], where: "away" });

    const back = await remote("migrate", "back", "--on-conflict", "backup", "--json");
    expect(back.code).toBe(0);
    const result = JSON.parse(back.stdout) as { conversationId: string; backupId: string; resumeCommand: string };
    expect(result.resumeCommand).toBe(`claude --resume ${id}`);
    expect(messages(local)).toEqual(["first task here", "Done: first task here", "far side line", "echo: far side line"]);
    const backup = transcriptIn(laptop.dir, work, result.backupId);
    expect(messages(backup)).toEqual(["first task here", "Done: first task here", "laptop line", "Done: laptop line"]);
    expect(readFileSync(backup, "utf8")).toBe(before.replaceAll(id, result.backupId));
  }, 90000);

  describe.skipIf(Bun.which("sqlite3") === null)("opencode (its conversations in SQLite, moved by its own export/import; the fake needs the sqlite3 CLI)", () => {
    /** The texts of an opencode session's messages on one side, read with `opencode export` (the fake, as the adapter runs it). */
    const opencodeTexts = async (home: string, cwd: string, id: string) => {
      const exported = await cli({ ...env, HOME: home }, ["export", id], { cwd, command: [join(fakeBin, "opencode")] });
      if (exported.code !== 0) return [];
      return (JSON.parse(exported.stdout) as { messages: { parts: { text: string }[] }[] }).messages.map((m) => m.parts[0]?.text);
    };
    async function opencodeProject(name: string) {
      const work = join(laptop.dir, name);
      mkdirSync(work);
      const run = (...args: string[]) => cli(env, args, { cwd: work, command: [join(fakeBin, "opencode")] });
      expect((await run("run", "first task here")).code).toBe(0);
      const id = (JSON.parse((await run("session", "list", "--format", "json")).stdout) as { id: string }[])[0]?.id as string;
      return { work, id, run, remote: (...args: string[]) => cli(env, args, { cwd: work }) };
    }
    const talkOpencode = async (sessionId: string, work: string, id: string, text: string) => {
      const sent = await serve.api(`/sessions/${sessionId}/send`, { method: "POST", body: JSON.stringify({ text, enter: true }), headers: { "content-type": "application/json" } });
      expect(sent.status).toBe(204);
      await eventually(async () => (await opencodeTexts(far.dir, work, id)).includes(`echo: ${text}`), `the far opencode to answer '${text}'`);
    };

    test("forward imports the session on the far side before opencode resumes it; back brings every message home", async () => {
      const { work, id, run, remote } = await opencodeProject("opencode-roundtrip");
      const forward = await remote("migrate", "forward", "opencode", "--no-attach", "--no-auth");
      expect(forward.stderr).toContain(`conversation ${id} runs in session`);
      expect(forward.code).toBe(0);
      const sessionId = forward.stdout.trim();
      expect(await opencodeTexts(far.dir, work, id)).toEqual(["first task here", "I made the change. Done: first task here"]);
      await talkOpencode(sessionId, work, id, "carry on over there");

      const back = await remote("migrate", "back");
      expect(back.code).toBe(0);
      expect(back.stdout).toBe(`opencode --session ${id}\n`);
      expect(await opencodeTexts(laptop.dir, work, id)).toEqual(["first task here", "I made the change. Done: first task here", "carry on over there", "echo: carry on over there"]);
      expect((await run("run", "--session", id, "back home")).stdout).toContain(`Resumed session ${id}. Done: back home`);
    }, 90000);

    test("a session that went on on both sides blocks back; --on-conflict backup keeps this side's under a new id, unmixed", async () => {
      const { work, id, run, remote } = await opencodeProject("opencode-diverged");
      const forward = await remote("migrate", "forward", "opencode", "--no-attach", "--no-auth");
      expect(forward.code).toBe(0);
      await talkOpencode(forward.stdout.trim(), work, id, "far side line");
      expect((await run("run", "--session", id, "laptop line")).code).toBe(0);

      const blocked = await remote("migrate", "back");
      expect(blocked.stderr).toContain("went on differently on both sides");
      expect(blocked.code).toBe(1);
      const back = await remote("migrate", "back", "--on-conflict", "backup", "--json");
      expect(back.code).toBe(0);
      const { backupId } = JSON.parse(back.stdout) as { backupId: string };
      expect(await opencodeTexts(laptop.dir, work, id)).toEqual(["first task here", "I made the change. Done: first task here", "far side line", "echo: far side line"]);
      expect(await opencodeTexts(laptop.dir, work, backupId)).toEqual(["first task here", "I made the change. Done: first task here", "laptop line", `Resumed session ${id}. Done: laptop line`]);
    }, 90000);
  });

  test("the exported API (migrateForward / migrateBack) does the same and plugins get migrate:forward and migrate:back", async () => {
    const { work, id } = await conversedProject("api");
    const api = await import("../../src/app/api.ts");
    const { createRealDeps } = await import("../../src/wiring.ts");
    const deps = createRealDeps(env);
    const forward = await api.migrateForward({ profile: "claude", noAttach: true, auth: { auth: false }, cwd: work, deps });
    expect(forward).toMatchObject({ conversationId: id, remote: serve.url });
    const back = await api.migrateBack({ cwd: work, deps });
    expect(back).toMatchObject({ conversationId: id, resumeCommand: `claude --resume ${id}`, stoppedSessionId: forward.sessionId, hasConflicts: false });
    const events = readFileSync(join(laptop.env.REMOTE_HOME as string, "events.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.path === work);
    expect(events).toEqual([
      { name: "migrate:forward", path: work, profile: "claude", conversationId: id, remote: serve.url, sessionId: forward.sessionId, workspaceId: forward.workspaceId },
      { name: "migrate:back", path: work, profile: "claude", conversationId: id, remote: serve.url, sessionId: forward.sessionId, conflicts: [], resumeCommand: `claude --resume ${id}` },
    ]);
  }, 90000);
});
