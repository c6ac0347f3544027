import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import { cli, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

/**
 * `remote migrate` against a far side that has its own copy of the folder, as a real far
 * machine does: the far `remote serve` runs in a mount namespace of its own where the
 * laptop's project folder is another directory (bind-mounted over the same absolute path),
 * so path parity holds and only what crosses the wire gets there. The far session's own
 * edits (the fake claude's `/write`) come home; the laptop's are kept; a file both changed
 * conflicts. Needs `unshare --mount` (root, or a kernel that lets users make mount
 * namespaces): skipped with the reason when it is refused.
 */
const MOUNT_SCRIPT = 'mount --bind "$1" "$2" && shift 2 && exec "$@"';

/** Does a private mount namespace with a bind mount work here? The reason when not. */
function mountNamespaceRefusal(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), "remote-ns-probe-"));
  try {
    const [from, over] = [join(dir, "from"), join(dir, "over")];
    mkdirSync(from);
    mkdirSync(over);
    writeFileSync(join(from, "probe"), "seen");
    const probe = Bun.spawnSync(["unshare", "--mount", "--propagation", "private", "sh", "-c", MOUNT_SCRIPT, "sh", from, over, "cat", join(over, "probe")], { stderr: "pipe" });
    if (probe.exitCode === 0 && probe.stdout.toString() === "seen") return undefined;
    return `unshare --mount refused here (exit ${probe.exitCode}): ${probe.stderr.toString().trim()}`;
  } catch (error) {
    return `unshare is not available: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const refusal = mountNamespaceRefusal();
if (refusal !== undefined) console.warn(`skipping migrate-far-folder: ${refusal}`);

const fakeBin = join(repoRoot, "test", "fixtures", "bin");
const laptop = tempHome("remote-farfolder-laptop-");
const far = tempHome("remote-farfolder-far-");
/** The laptop's projects live here; the far serve sees farProjects at this same path. */
const projects = join(laptop.dir, "projects");
const farProjects = join(far.dir, "projects");
let serve: ServeProcess;
let env: Record<string, string>;

beforeAll(async () => {
  if (refusal !== undefined) return;
  mkdirSync(projects);
  mkdirSync(farProjects);
  far.env.PATH = `${fakeBin}:${far.env.PATH}`;
  serve = await startServe(far, [], ["unshare", "--mount", "--propagation", "private", "sh", "-c", MOUNT_SCRIPT, "sh", farProjects, projects, ...remoteCommand()]);
  env = { ...laptop.env, PATH: `${fakeBin}:${laptop.env.PATH}`, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
});
afterAll(async () => {
  await serve?.stop();
  far[Symbol.dispose]();
  laptop[Symbol.dispose]();
});

const transcriptIn = (home: string, cwd: string, id: string) => join(home, ".claude", "projects", claudeProjectKey(cwd), `${id}.jsonl`);
const messages = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { message: { content: string } }).message.content);
const read = (path: string) => readFileSync(path, "utf8");

/** A project on the laptop with a conversation, and where the far side keeps its copy. */
async function conversedProject(name: string, files: Record<string, string>) {
  const work = join(projects, name);
  mkdirSync(work);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(work, path), text);
  const first = await cli(env, ["-p", "first task here"], { cwd: work, command: [join(fakeBin, "claude")] });
  expect(first.code).toBe(0);
  const id = readdirSync(join(laptop.dir, ".claude", "projects", claudeProjectKey(work)))[0]?.replace(/\.jsonl$/, "") as string;
  return { work, farCopy: join(farProjects, name), id, remote: (...args: string[]) => cli(env, args, { cwd: work }) };
}

/** Types a line into the far session and waits for the far claude's answer in its transcript. */
async function talkFar(sessionId: string, transcript: string, text: string, answer: string) {
  const sent = await serve.api(`/sessions/${sessionId}/send`, { method: "POST", body: JSON.stringify({ text, enter: true }), headers: { "content-type": "application/json" } });
  expect(sent.status).toBe(204);
  await eventually(() => existsSync(transcript) && messages(transcript).includes(answer), `the far claude to answer '${text}'`);
}

describe.skipIf(refusal !== undefined)("remote migrate with a far copy of the folder", () => {
  test("the far session's edits come home, the laptop's are kept, the conversation has both sides; forward again brings the far copy up to date", async () => {
    const { work, farCopy, id, remote } = await conversedProject("roundtrip", { "a.txt": "A as it was\n", "b.txt": "B as it was\n" });
    // Not the same folder: the far side starts with nothing there.
    expect(existsSync(farCopy)).toBe(false);
    writeFileSync(join(work, "a.txt"), "A edited on the laptop\n");

    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.code).toBe(0);
    const sessionId = forward.stdout.trim();
    // Materialised at the same absolute path on the far side (its own copy, linked to the workspace).
    expect([read(join(farCopy, "a.txt")), read(join(farCopy, "b.txt"))]).toEqual(["A edited on the laptop\n", "B as it was\n"]);
    const link = JSON.parse(read(join(work, ".remote", "workspace.json"))) as { workspaceId: string };
    expect(JSON.parse(read(join(farCopy, ".remote", "workspace.json")))).toMatchObject({ workspaceId: link.workspaceId, path: work });

    const farTranscript = transcriptIn(far.dir, work, id);
    await talkFar(sessionId, farTranscript, "/write b.txt B written far away", "wrote b.txt");
    await talkFar(sessionId, farTranscript, "and a turn over there", "echo: and a turn over there");
    expect(read(join(farCopy, "b.txt"))).toBe("B written far away\n");
    // The far edit is only over there until it is brought back.
    expect(read(join(work, "b.txt"))).toBe("B as it was\n");

    const back = await remote("migrate", "back");
    expect(back.stderr).toContain(`conversation ${id} is back`);
    expect(back.code).toBe(0);
    expect([read(join(work, "a.txt")), read(join(work, "b.txt"))]).toEqual(["A edited on the laptop\n", "B written far away\n"]);
    expect(messages(transcriptIn(laptop.dir, work, id))).toEqual(["first task here", "Done: first task here", "/write b.txt B written far away", "wrote b.txt", "and a turn over there", "echo: and a turn over there"]);

    // Again: the far copy is this workspace's own, brought up to the laptop's new version (not refused, not re-made).
    writeFileSync(join(work, "a.txt"), "A edited again\n");
    writeFileSync(join(farCopy, "far-only.txt"), "left over there\n");
    const again = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(again.code).toBe(0);
    expect([read(join(farCopy, "a.txt")), read(join(farCopy, "b.txt")), read(join(farCopy, "far-only.txt"))]).toEqual(["A edited again\n", "B written far away\n", "left over there\n"]);
    const backAgain = await remote("migrate", "back");
    expect(backAgain.code).toBe(0);
    expect(read(join(work, "far-only.txt"))).toBe("left over there\n");
  }, 120000);

  test("a file both sides changed comes back with conflict markers and back exits 1", async () => {
    const { work, farCopy, id, remote } = await conversedProject("clash", { "shared.txt": "the first line\n" });
    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.code).toBe(0);
    await talkFar(forward.stdout.trim(), transcriptIn(far.dir, work, id), "/write shared.txt the far line", "wrote shared.txt");
    expect(read(join(farCopy, "shared.txt"))).toBe("the far line\n");
    writeFileSync(join(work, "shared.txt"), "the laptop line\n");

    const back = await remote("migrate", "back");
    expect(back.stderr).toContain("conflict left in shared.txt");
    expect(back.code).toBe(1);
    const merged = read(join(work, "shared.txt"));
    expect(merged).toContain("<<<<<<<");
    expect(merged).toContain("the laptop line");
    expect(merged).toContain("the far line");
    expect(merged).toContain(">>>>>>>");
  }, 120000);

  test("a file the far session changed and someone else pushed meanwhile: the commit is refused (nothing committed, the lock given back)", async () => {
    const { work, farCopy, id, remote } = await conversedProject("raced", { "x.txt": "x as it was\n" });
    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.code).toBe(0);
    await talkFar(forward.stdout.trim(), transcriptIn(far.dir, work, id), "/write x.txt x written far away", "wrote x.txt");
    const workspaceId = (JSON.parse(read(join(work, ".remote", "workspace.json"))) as { workspaceId: string }).workspaceId;
    const other = join(laptop.dir, "raced-other");
    mkdirSync(other);
    expect((await cli(env, ["workspace", "pull", "--id", workspaceId], { cwd: other })).code).toBe(0);
    writeFileSync(join(other, "x.txt"), "x pushed by someone else\n");
    expect((await cli(env, ["workspace", "push"], { cwd: other })).code).toBe(0);
    const before = (await (await serve.api(`/workspaces/${workspaceId}`)).json()) as { version: number };

    const back = await remote("migrate", "back");
    expect(back.stderr).toContain("x.txt changed both here and in the workspace");
    expect(back.code).not.toBe(0);
    const after = (await (await serve.api(`/workspaces/${workspaceId}`)).json()) as { version: number; lock?: unknown };
    expect(after).toEqual({ ...before });
    expect(after.lock).toBeUndefined();
    expect(read(join(farCopy, "x.txt"))).toBe("x written far away\n");
    expect((JSON.parse(read(join(work, ".remote", "migration.json"))) as { back: string[] }).back).toEqual(["stop", "conversation"]);
  }, 120000);

  test("a far folder that holds something else is refused, with the way out", async () => {
    const { farCopy, remote } = await conversedProject("taken", { "mine.txt": "laptop file\n" });
    mkdirSync(farCopy);
    writeFileSync(join(farCopy, "theirs.txt"), "someone else's\n");
    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.code).not.toBe(0);
    expect(forward.stderr).toContain("holds other files");
    expect(forward.stderr).toContain(`mv '${join(projects, "taken")}'`);
    expect(readdirSync(farCopy)).toEqual(["theirs.txt"]);
  }, 120000);
});
