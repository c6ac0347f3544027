import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";

type Listed = { id: string; name: string; source: string; state: string; cwd: string; profile: string };

const hookInput = (id: string, extra: Record<string, unknown> = {}) => JSON.stringify({ session_id: id, transcript_path: `/tmp/${id}.jsonl`, cwd: "/tmp", hook_event_name: "SessionStart", source: "startup", ...extra });

/** Runs N hook processes at once, each with its own session id; resolves with their exit codes and stderr. */
async function concurrentHooks(env: Record<string, string>, n: number, kind = "claude-start") {
  const runs = Array.from({ length: n }, (_, i) =>
    cli(env, ["enroll", "--hook", kind], { stdin: hookInput(`${crypto.randomUUID()}-${i}`) }),
  );
  return await Promise.all(runs);
}

const hookSessions = async (env: Record<string, string>) => {
  const r = await cli(env, ["ls", "--json"]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as Listed[]).filter((s) => s.source === "hook");
};

describe("remote enroll --hook", () => {
  test("a start hook lists a running session with source hook; the end hook ends it", async () => {
    using home = tempHome();
    const started = await cli(home.env, ["enroll", "--hook", "claude-start"], { stdin: hookInput("0b5e-one", { cwd: home.dir }) });
    expect(started).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect(await hookSessions(home.env)).toEqual([expect.objectContaining({ id: "claude-0b5e-one", source: "hook", state: "running", profile: "claude", cwd: home.dir })]);
    const table = await cli(home.env, ["ls"]);
    expect(table.stdout).toContain("claude (hook)");

    expect((await cli(home.env, ["enroll", "--hook", "claude-end"], { stdin: hookInput("0b5e-one", { hook_event_name: "SessionEnd", reason: "exit" }) })).code).toBe(0);
    expect(await hookSessions(home.env)).toEqual([expect.objectContaining({ id: "claude-0b5e-one", state: "exited" })]);
  });

  test("logs of an enrolled session read Claude Code's transcript", async () => {
    using home = tempHome();
    const transcript = join(home.dir, "t.jsonl");
    writeFileSync(transcript, [
      JSON.stringify({ type: "user", message: { role: "user", content: "rename the helper" } }),
      JSON.stringify({ type: "assistant", message: { role: "assistant", content: [{ type: "text", text: "Renamed it to parseArgs." }] } }),
    ].join("\n"));
    await cli(home.env, ["enroll", "--hook", "claude-start"], { stdin: hookInput("with-log", { transcript_path: transcript }) });
    const logs = await cli(home.env, ["logs", "claude-with-log"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("> rename the helper");
    expect(logs.stdout).toContain("Renamed it to parseArgs.");
  });

  for (const n of [50, 200]) {
    test(`${n} concurrent start hooks leave ${n} sessions`, async () => {
      using home = tempHome();
      const results = await concurrentHooks(home.env, n);
      expect(results.filter((r) => r.code !== 0 || r.stderr !== "")).toEqual([]);
      const sessions = await hookSessions(home.env);
      expect(sessions).toHaveLength(n);
      expect(new Set(sessions.map((s) => s.name)).size).toBe(n);
    }, 120_000);
  }

  test("bad input, an unknown hook and a store that cannot be written still exit 0, errors on stderr only", async () => {
    using home = tempHome();
    const garbage = await cli(home.env, ["enroll", "--hook", "claude-start"], { stdin: "not json" });
    expect(garbage).toMatchObject({ code: 0, stdout: "" });
    expect(garbage.stderr).toContain("Cannot read the hook input");
    const unknown = await cli(home.env, ["enroll", "--hook", "claude-middle"], { stdin: hookInput("x1") });
    expect(unknown).toMatchObject({ code: 0, stdout: "" });
    expect(unknown.stderr).toContain("claude-start, claude-end");
    // The inbox path is taken by a file: the write fails, the hook still exits 0.
    mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
    writeFileSync(join(home.env.REMOTE_HOME as string, "hook-inbox"), "not a directory");
    const blocked = await cli(home.env, ["enroll", "--hook", "claude-start"], { stdin: hookInput("x2") });
    expect(blocked.code).toBe(0);
    expect(blocked.stderr).toContain("remote:");
  });

  test("a stdin that never closes does not hold the hook (or Claude) up", async () => {
    using home = tempHome();
    const proc = Bun.spawn([...remoteCommand(), "enroll", "--hook", "claude-start"], { env: home.env, cwd: repoRoot, stdin: "pipe", stdout: "pipe", stderr: "pipe" });
    proc.stdin.write(hookInput("slow").slice(0, 10)); // half an input, and the pipe stays open
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stderr).text()).toContain("Cannot read the hook input");
    proc.stdin.end();
  });
});

describe("remote enroll --install-hooks", () => {
  const settingsOf = (dir: string) => join(dir, ".claude", "settings.json");
  const theirs = { model: "opus", hooks: { PreToolUse: [{ matcher: "Bash", hooks: [{ type: "command", command: "lint" }] }] } };

  test("idempotent, one backup before the first change, other hooks untouched, mode kept; uninstall restores", async () => {
    using home = tempHome();
    const path = settingsOf(home.dir);
    mkdirSync(join(home.dir, ".claude"));
    writeFileSync(path, JSON.stringify(theirs), { mode: 0o640 });
    const original = readFileSync(path, "utf8");

    const first = await cli(home.env, ["enroll", "--install-hooks", "--json"]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ settings: path, changed: true, backup: `${path}.remote-backup` });
    expect(readFileSync(`${path}.remote-backup`, "utf8")).toBe(original);
    const installed = JSON.parse(readFileSync(path, "utf8"));
    expect(installed.model).toBe("opus");
    expect(installed.hooks.PreToolUse).toEqual(theirs.hooks.PreToolUse);
    expect(installed.hooks.SessionStart[0].hooks[0].command).toContain("enroll --hook claude-start");
    expect(statSync(path).mode & 0o777).toBe(0o640);

    const again = await cli(home.env, ["enroll", "--install-hooks", "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, backup: null });

    const removed = await cli(home.env, ["enroll", "--uninstall-hooks"]);
    expect(removed.code).toBe(0);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual(theirs);
    // The backup is the file as it was before our first change, never overwritten.
    expect(readFileSync(`${path}.remote-backup`, "utf8")).toBe(original);
  });

  test("the installed command, run by a shell as Claude runs it, records the session", async () => {
    using home = tempHome();
    const path = join(home.dir, "custom settings.json");
    expect((await cli(home.env, ["enroll", "--install-hooks", "--settings", path])).code).toBe(0);
    expect(existsSync(`${path}.remote-backup`)).toBe(false); // nothing to back up
    const command: string = JSON.parse(readFileSync(path, "utf8")).hooks.SessionStart[0].hooks[0].command;
    const { REMOTE_HOME: _, ...claudeEnv } = home.env; // Claude's env does not carry REMOTE_HOME
    const ran = Bun.spawnSync(["sh", "-c", command], { env: claudeEnv, stdin: new TextEncoder().encode(hookInput("via-shell")) });
    expect(ran.exitCode).toBe(0);
    expect(await hookSessions(home.env)).toEqual([expect.objectContaining({ id: "claude-via-shell", state: "running" })]);
  });

  test("refuses a corrupt settings file, naming it, and changes nothing", async () => {
    using home = tempHome();
    const path = join(home.dir, "settings.json");
    writeFileSync(path, '{"hooks": {broken');
    const r = await cli(home.env, ["enroll", "--install-hooks", "--settings", path]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot read Claude Code settings '${path}'`);
    expect(r.stderr).not.toContain("    at ");
    expect(readFileSync(path, "utf8")).toBe('{"hooks": {broken');
    expect(existsSync(`${path}.remote-backup`)).toBe(false);
  });

  test("neither --install-hooks nor --uninstall-hooks is a usage error", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["enroll"])).code).toBe(2);
  });
});
