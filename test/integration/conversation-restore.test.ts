import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConversationFiles } from "../../src/adapters/conversation/conversation-files.ts";
import { createMemoryOpencodeSessions } from "../../src/adapters/conversation/memory-opencode.ts";
import { restoreConversation } from "../../src/app/conversation/restore.ts";
import { stageConversation } from "../../src/app/conversation/stage.ts";
import { isRemoteError } from "../../src/domain/errors.ts";

/** Two HOMEs on this machine (the laptop and the far side), the same cwd (path parity), real files. */
function twoHomes() {
  const root = mkdtempSync(join(tmpdir(), "conv-"));
  const [here, there] = [join(root, "here"), join(root, "there")];
  mkdirSync(here);
  mkdirSync(there);
  return { here, there, cwd: "/work/project", [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }) };
}
const ports = { files: createConversationFiles(), opencode: createMemoryOpencodeSessions() };
const env = {};
const claudeFile = (home: string, id: string) => join(home, ".claude/projects/-work-project", `${id}.jsonl`);
const writeClaude = (home: string, id: string, lines: string[]) => {
  mkdirSync(join(home, ".claude/projects/-work-project"), { recursive: true });
  writeFileSync(claudeFile(home, id), lines.map((l) => `${l}\n`).join(""));
};
const line = (n: number, id = "c1") => JSON.stringify({ sessionId: id, n });

describe("conversation staging and restore between two HOMEs", () => {
  test("claude: the latest conversation of the cwd travels; missing -> written, identical -> skipped", async () => {
    using homes = twoHomes();
    writeClaude(homes.here, "old", [line(0, "old")]);
    utimesSync(claudeFile(homes.here, "old"), 1_000, 1_000); // older, whatever the clock's resolution
    writeClaude(homes.here, "c1", [line(1), line(2)]);
    const bundle = await stageConversation(ports, { profile: "claude", cwd: homes.cwd, home: homes.here, env });
    expect(bundle.id).toBe("c1");
    const restore = () => restoreConversation(ports, { bundle, cwd: homes.cwd, home: homes.there, env, newId: () => "n1" });
    expect((await restore()).decision).toEqual({ action: "write", why: "missing" });
    expect(readFileSync(claudeFile(homes.there, "c1"), "utf8")).toBe(readFileSync(claudeFile(homes.here, "c1"), "utf8"));
    expect((await restore()).decision).toEqual({ action: "skip", why: "identical" });
  });

  test("one a prefix of the other: the longer one stays, either way", async () => {
    using homes = twoHomes();
    writeClaude(homes.here, "c1", [line(1), line(2), line(3)]);
    writeClaude(homes.there, "c1", [line(1)]);
    const longer = await stageConversation(ports, { profile: "claude", id: "c1", cwd: homes.cwd, home: homes.here, env });
    expect((await restoreConversation(ports, { bundle: longer, cwd: homes.cwd, home: homes.there, env, newId: () => "n" })).decision.action).toBe("write");
    writeClaude(homes.there, "c1", [line(1), line(2), line(3), line(4)]);
    expect((await restoreConversation(ports, { bundle: longer, cwd: homes.cwd, home: homes.there, env, newId: () => "n" })).decision).toEqual({ action: "skip", why: "local-longer" });
    expect(readFileSync(claudeFile(homes.there, "c1"), "utf8").trim().split("\n")).toHaveLength(4);
  });

  test("diverged: block touches nothing and fails; backup keeps local under a new id; keep-local keeps it", async () => {
    using homes = twoHomes();
    writeClaude(homes.here, "c1", [line(1), line(2)]);
    writeClaude(homes.there, "c1", [line(1), line(9)]);
    const bundle = await stageConversation(ports, { profile: "claude", id: "c1", cwd: homes.cwd, home: homes.here, env });
    const before = readFileSync(claudeFile(homes.there, "c1"), "utf8");
    const blocked = await restoreConversation(ports, { bundle, cwd: homes.cwd, home: homes.there, env, newId: () => "n1" }).catch((error: unknown) => error);
    expect(isRemoteError(blocked) && blocked.code).toBe("CONVERSATION_DIVERGED");
    expect(readFileSync(claudeFile(homes.there, "c1"), "utf8")).toBe(before);
    expect((await restoreConversation(ports, { bundle, cwd: homes.cwd, home: homes.there, env, policy: "keep-local", newId: () => "n1" })).decision.action).toBe("skip");
    expect(readFileSync(claudeFile(homes.there, "c1"), "utf8")).toBe(before);
    const backedUp = await restoreConversation(ports, { bundle, cwd: homes.cwd, home: homes.there, env, policy: "backup", newId: () => "n1" });
    expect(backedUp).toMatchObject({ id: "c1", backupId: "n1" });
    expect(readFileSync(claudeFile(homes.there, "c1"), "utf8")).toBe(readFileSync(claudeFile(homes.here, "c1"), "utf8"));
    expect(readFileSync(claudeFile(homes.there, "n1"), "utf8")).toBe(before.replaceAll("c1", "n1"));
  });

  test("codex: found by id under sessions/YYYY/MM/DD, restored at the same path; gemini brings projects.json", async () => {
    using homes = twoHomes();
    const rollout = ".codex/sessions/2026/12/01/rollout-2026-12-01T08-00-00-0199-t1.jsonl";
    mkdirSync(join(homes.here, ".codex/sessions/2026/12/01"), { recursive: true });
    writeFileSync(join(homes.here, rollout), `${JSON.stringify({ type: "session_meta", payload: { id: "0199-t1", cwd: homes.cwd } })}\n`);
    const codex = await stageConversation(ports, { profile: "codex", cwd: homes.cwd, home: homes.here, env });
    expect(codex.id).toBe("0199-t1");
    await restoreConversation(ports, { bundle: codex, cwd: homes.cwd, home: homes.there, env, newId: () => "n" });
    expect(existsSync(join(homes.there, rollout))).toBe(true);

    const chat = ".gemini/tmp/project/chats/session-2026-12-01T08-00-a1b2c3d4.jsonl";
    mkdirSync(join(homes.here, ".gemini/tmp/project/chats"), { recursive: true });
    writeFileSync(join(homes.here, chat), `${JSON.stringify({ sessionId: "a1b2c3d4-0000" })}\n`);
    writeFileSync(join(homes.here, ".gemini/projects.json"), JSON.stringify({ projects: { [homes.cwd]: "project" } }));
    mkdirSync(join(homes.there, ".gemini"), { recursive: true });
    writeFileSync(join(homes.there, ".gemini/projects.json"), JSON.stringify({ projects: { "/other": "other" } }));
    const gemini = await stageConversation(ports, { profile: "gemini", id: "a1b2c3d4-0000", cwd: homes.cwd, home: homes.here, env });
    await restoreConversation(ports, { bundle: gemini, cwd: homes.cwd, home: homes.there, env, newId: () => "n" });
    expect(existsSync(join(homes.there, chat))).toBe(true);
    expect(JSON.parse(readFileSync(join(homes.there, ".gemini/projects.json"), "utf8"))).toEqual({ projects: { "/other": "other", [homes.cwd]: "project" } });
  });

  test("opencode goes through export/import; a longer export on the other side is imported", async () => {
    using homes = twoHomes();
    const exported = (messages: string[]) => JSON.stringify({ info: { id: "ses_1" }, messages: messages.map((id) => ({ info: { id } })) });
    await ports.opencode.importSession(exported(["m1", "m2"]), { home: homes.here, cwd: homes.cwd, env });
    await ports.opencode.importSession(exported(["m1"]), { home: homes.there, cwd: homes.cwd, env });
    const bundle = await stageConversation(ports, { profile: "opencode", cwd: homes.cwd, home: homes.here, env });
    expect((await restoreConversation(ports, { bundle, cwd: homes.cwd, home: homes.there, env, newId: () => "ses_n" })).decision).toEqual({ action: "write", why: "incoming-longer" });
    expect(await ports.opencode.exportSession("ses_1", { home: homes.there, cwd: homes.cwd, env })).toBe(exported(["m1", "m2"]));
  });

  test("no conversation: a clear error naming the fix", async () => {
    using homes = twoHomes();
    const error = await stageConversation(ports, { profile: "claude", cwd: homes.cwd, home: homes.here, env }).catch((e: unknown) => e);
    expect(isRemoteError(error) && error.code).toBe("CONVERSATION_NOT_FOUND");
  });
});
