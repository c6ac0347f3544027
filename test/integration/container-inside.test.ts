/**
 * Both ends of what the control plane does inside a workspace's container session, without
 * an engine: a TargetPort whose `exec` runs the real `remote` CLI here, in a HOME of its own
 * (what `podman exec` / `kubectl exec` run in the container). The workspace from the blob
 * store lands at its path with its link and base, the conversation in that HOME by the
 * restore rules (a diverged one blocks, as a conflict, with nothing written; backup keeps
 * both); the folder reads back (manifest, only the changed files' content, state), and is
 * kept for a stopped session. A hostile archive given to `remote __unpack` writes nothing.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRemoteError, RemoteError } from "../../src/domain/errors.ts";
import type { TargetHandle } from "../../src/domain/target.ts";
import type { SessionVolumes, TargetPort } from "../../src/domain/target-port.ts";
import type { SessionRecord } from "../../src/domain/session.ts";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import { commitManifest, createWorkspace, getWorkspace, lockWorkspace, unlockWorkspace, uploadArchive, workspaceManifest } from "../../src/app/workspace/control.ts";
import { containerPreparation } from "../../src/app/targets/container-workspace.ts";
import { keepFolder, liveContainerFolder } from "../../src/app/targets/container-folder.ts";
import { containerConversation, containerSessionFolder } from "../../src/app/targets/container-keep.ts";
import type { SessionListing } from "../../src/app/sessions/find.ts";
import { execInside } from "../../src/app/targets/inside-wire.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { remoteCommand, tempHome } from "../support/cli.ts";
import { rawTar, snapshot } from "../support/hostile-tar.ts";

const handle: TargetHandle = { kind: "docker", engine: "podman", container: "remote-inside1", image: "none" };

/** A "container" that is a HOME on this machine: exec runs `remote` there, argv and stdin as given. */
function execHere(env: Record<string, string>, asked: string[][] = [], onVolumes: SessionVolumes[] = []): TargetPort {
  const none = () => Promise.reject(new Error("not a real target"));
  return {
    kind: "docker",
    create: none,
    status: none,
    openStream: () => {
      throw new Error("not a real target");
    },
    remove: none,
    removeVolumes: none,
    lastOutput: none,
    list: none,
    exec: (_handle, argv, stdin) => run(argv, stdin),
    // The volumes are that same HOME: a helper there is `remote` run there again.
    onVolumes: async (_handle, volumes, work) => {
      onVolumes.push(volumes);
      return work(run);
    },
  };
  async function run(argv: readonly string[], stdin?: Uint8Array) {
    if (argv.includes("--paths")) asked.push(JSON.parse(new TextDecoder().decode(stdin)) as string[]);
    const proc = Bun.spawn([...remoteCommand(), ...argv.slice(1)], { env, stdin: stdin ?? "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  }
}

const control = tempHome("remote-inside-control-");
const box = tempHome("remote-inside-box-");
afterAll(() => {
  control[Symbol.dispose]();
  box[Symbol.dispose]();
});
/** The paths each `__pack --paths` was asked for. */
const asked: string[][] = [];
/** What each helper on an ended session's volumes was given. */
const volumeCalls: SessionVolumes[] = [];
const target = execHere(box.env, asked, volumeCalls);
const deps = { ...createRealDeps(control.env), target: () => target };

/** A workspace on the control plane at `path` in the box's HOME, holding these files. */
async function workspaceOf(path: string, files: Record<string, string>) {
  const record = createWorkspace(deps, { path, home: box.dir });
  const holder = "h".repeat(32);
  lockWorkspace(deps, record.id, { holder });
  const entries = await uploadArchive(deps, record.id, holder, rawTar(Object.entries(files).map(([p, data]) => ({ path: p, type: "File" as const, data }))));
  commitManifest(deps, record.id, holder, { baseVersion: 0, set: entries, deleted: [] });
  unlockWorkspace(deps, record.id, holder);
  return getWorkspace(deps, record.id);
}

const transcript = (id: string, lines: string[]) => lines.map((text, i) => JSON.stringify({ type: i % 2 ? "assistant" : "user", sessionId: id, message: { content: text } })).join("\n") + "\n";

describe("inside a workspace's container session, through exec", () => {
  test("in: files at the workspace's path with its link and base, the conversation in HOME, then the go-ahead; out: manifest, changed files only, state, kept after a stop", async () => {
    const path = join(box.dir, "proj");
    const workspace = await workspaceOf(path, { "README.md": "# hi\n", "src/a.txt": "alpha\n" });
    const id = "11111111-2222-4333-8444-555555555555";
    const bundle = { profile: "claude" as const, id, files: [{ path: `.claude/projects/${claudeProjectKey(path)}/${id}.jsonl`, content: transcript(id, ["one", "Done: one"]) }] };
    await containerPreparation(deps, { workspace, conversation: bundle, origin: "http://127.0.0.1:1" })(target, handle, { cwd: path });

    expect(readFileSync(join(path, "src/a.txt"), "utf8")).toBe("alpha\n");
    expect(readFileSync(join(box.dir, bundle.files[0]?.path as string), "utf8")).toBe(bundle.files[0]?.content as string);
    expect(readFileSync(join(box.env.REMOTE_HOME as string, "prepared"), "utf8")).toBe("prepared\n");
    const folder = liveContainerFolder(deps, handle, path);
    expect(await folder.readState("workspace.json")).toEqual({ remote: "http://127.0.0.1:1", workspaceId: workspace.id, path, home: box.dir });
    const { version, entries } = workspaceManifest(deps, workspace.id);
    expect(await folder.readState("workspace-base.json")).toEqual({ workspaceId: workspace.id, version, entries });
    expect(await folder.scan()).toEqual(entries);
    expect(await folder.readState("nothing-here.json")).toBeUndefined();

    // The agent edits one file and adds one: only their content crosses when the folder is kept.
    writeFileSync(join(path, "src/a.txt"), "alpha, edited far away\n");
    writeFileSync(join(path, "new.txt"), "new\n");
    const session = { id: "inside1", name: "inside", state: "running", target: handle, meta: {} } as unknown as SessionRecord;
    await keepFolder(deps, session, folder);
    expect(asked.map((paths) => [...paths].sort())).toEqual([["new.txt", "src/a.txt"]]);
    const kept = containerSessionFolder(deps, { ...session, state: "exited" }, path);
    const scanned = await kept.scan();
    expect(Object.keys(scanned).sort()).toEqual(["README.md", "new.txt", "src/a.txt"]);
    expect(new TextDecoder().decode((await kept.read(["src/a.txt"])).get("src/a.txt"))).toBe("alpha, edited far away\n");
    expect(await kept.readState("workspace-base.json")).toEqual({ workspaceId: workspace.id, version, entries });
    await kept.writeState("workspace-base.json", { moved: true });
    expect(await kept.readState("workspace-base.json")).toEqual({ moved: true });
  }, 60_000);

  test("a session that ended by itself (nothing was kept): its conversation and folder read off its volumes by one helper, kept, then read from what was kept", async () => {
    const path = join(box.dir, "ended");
    const workspace = await workspaceOf(path, { "notes.txt": "one\n" });
    const id = "99999999-2222-4333-8444-555555555555";
    const bundle = { profile: "claude" as const, id, files: [{ path: `.claude/projects/${claudeProjectKey(path)}/${id}.jsonl`, content: transcript(id, ["one", "Done: one"]) }] };
    await containerPreparation(deps, { workspace, conversation: bundle, origin: "http://127.0.0.1:1" })(target, handle, { cwd: path });
    // The agent's last turn and edit, then it exits: its container can no longer be exec'd.
    writeFileSync(join(box.dir, bundle.files[0]?.path as string), transcript(id, ["one", "Done: one", "two", "Done: two"]));
    writeFileSync(join(path, "notes.txt"), "one, edited before /exit\n");
    const ended = { id: "ended1", name: "ended", profile: "claude", cwd: path, state: "exited", view: "exited", target: { ...handle, container: "remote-ended1" }, meta: { workspaceId: workspace.id, conversationId: id } } as unknown as SessionListing;
    volumeCalls.length = 0;

    const conversation = await containerConversation(deps, ended, "claude", id);
    expect(conversation.files[0]?.content).toBe(transcript(id, ["one", "Done: one", "two", "Done: two"]));
    expect(volumeCalls).toEqual([{ sessionId: "ended1", profile: "claude", home: box.dir, workspace: path }]);
    // The folder came with it (one helper): read from the copy kept here, no second helper.
    const folder = containerSessionFolder(deps, ended, path);
    expect(new TextDecoder().decode((await folder.read(["notes.txt"])).get("notes.txt"))).toBe("one, edited before /exit\n");
    expect(await folder.readState("workspace.json")).toMatchObject({ workspaceId: workspace.id, path });
    expect(volumeCalls).toHaveLength(1);
    // And again: from what was kept.
    expect((await containerConversation(deps, ended, "claude", id)).id).toBe(id);
    expect(volumeCalls).toHaveLength(1);
  }, 60_000);

  test("a conversation that went on differently in the container's HOME blocks (a conflict, nothing written); backup keeps both", async () => {
    const cwd = join(box.dir, "talk");
    mkdirSync(cwd, { recursive: true });
    const id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
    const file = `.claude/projects/${claudeProjectKey(cwd)}/${id}.jsonl`;
    mkdirSync(join(box.dir, file, ".."), { recursive: true });
    const there = transcript(id, ["one", "Done: one", "far", "Done: far"]);
    writeFileSync(join(box.dir, file), there);
    const incoming = { profile: "claude" as const, id, files: [{ path: file, content: transcript(id, ["one", "Done: one", "laptop", "Done: laptop"]) }] };
    const restore = (policy?: string) => execInside<{ id: string; backupId?: string }>(target, handle, ["__conversation", "restore"], new TextEncoder().encode(JSON.stringify({ bundle: incoming, cwd, ...(policy && { policy }) })));

    const blocked = await restore().catch((error: unknown) => error);
    expect(isRemoteError(blocked) && [blocked.code, blocked.kind]).toEqual(["CONVERSATION_DIVERGED", "conflict"]);
    expect(readFileSync(join(box.dir, file), "utf8")).toBe(there);

    const backedUp = await restore("backup");
    expect(backedUp.id).toBe(id);
    expect(readFileSync(join(box.dir, file), "utf8")).toBe(incoming.files[0]?.content as string);
    expect(readFileSync(join(box.dir, file.replace(id, backedUp.backupId as string)), "utf8")).toBe(there.replaceAll(id, backedUp.backupId as string));

    // And out again: what `migrate back` reads from a running container.
    const staged = await execInside<{ id: string; files: { content: string }[] }>(target, handle, ["__conversation", "stage"], new TextEncoder().encode(JSON.stringify({ profile: "claude", id, cwd })));
    expect(staged.files[0]?.content).toBe(incoming.files[0]?.content as string);
  }, 60_000);

  test("a hostile archive given to __unpack is refused whole: nothing written in or beside the folder", async () => {
    const sandbox = join(box.dir, "sandbox");
    mkdirSync(join(sandbox, "victim"), { recursive: true });
    writeFileSync(join(sandbox, "victim", "secret.txt"), "do not touch\n");
    const before = snapshot(sandbox);
    const archives = [
      [{ path: "fine.txt", type: "File" as const, data: "ok" }, { path: "../escape.txt", type: "File" as const, data: "x" }],
      [{ path: "fine.txt", type: "File" as const, data: "ok" }, { path: "out", type: "SymbolicLink" as const, linkpath: "../victim" }, { path: "out/owned.txt", type: "File" as const, data: "x" }],
      [{ path: "dev", type: "CharacterDevice" as const }],
    ];
    for (const members of archives) {
      const refused = await execInside(target, handle, ["__unpack", join(sandbox, "dest")], rawTar(members, true)).catch((error: unknown) => error);
      expect(refused instanceof RemoteError && refused.code).toBe("ARCHIVE_REFUSED");
    }
    expect(snapshot(sandbox)).toEqual(before);
    rmSync(sandbox, { recursive: true, force: true });
  }, 60_000);

  test("a helper that does not answer in our envelope (an image without this remote) fails saying so", async () => {
    const failed = await execInside(target, handle, ["__no-such-helper"]).catch((error: unknown) => error);
    expect(isRemoteError(failed) && failed.code).toBe("SESSION_EXEC_FAILED");
  }, 30_000);
});
