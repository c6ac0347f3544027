/**
 * Docker sessions beyond create/attach/stop (issue 9 items 1, 3, 7), with the real podman:
 * a CLI with another REMOTE_HOME, or whose store is lost, finds a container session again
 * by its labels (the one vocabulary: app.kubernetes.io/managed-by, remote.dev/session-id)
 * and attaches; its HOME volume outlives `stop`; `rm` forgets it, `rm --volumes` deletes
 * the volume (by its name, remote-<id>-data); a missing image leaves no container and no volume; smoke with no control plane.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine, removeContainersOf, withEngine } from "../support/container-engine.ts";

type Listed = { id: string; name: string; profile: string; state: string; target: string; container: string | null };

const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
const listed = async (env: Record<string, string>, extra: string[] = []) => {
  const r = await cli(env, ["ls", "--json", ...extra]);
  succeeded(r);
  return JSON.parse(r.stdout) as Listed[];
};

if (engineMissingReason) console.warn(`skipping docker lifecycle tests: ${engineMissingReason}`);

describe.skipIf(engineMissingReason !== undefined)("docker sessions: rediscovery, volumes, rm (real podman, --network none)", () => {
  let conf = "";
  const made: string[] = [];
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
  }, 120_000);
  afterAll(() => removeContainersOf(conf, made));

  const volumeExists = async (id: string) => (await podmanOut(conf, ["volume", "exists", `remote-${id}-data`])).code === 0;
  const start = async (env: Record<string, string>, name: string) => {
    const r = await cli(env, ["run", "shell", "--target", "docker", "--image", TEST_IMAGE, "--detach", "--name", name, "--", "--norc", "--noprofile", "-i"]);
    succeeded(r);
    const id = r.stdout.trim();
    made.push(id);
    return id;
  };

  test("another REMOTE_HOME, then a lost store: `ls --target docker` finds the container by its labels; attach; stop keeps the volume; rm, rm --volumes", async () => {
    using home = tempHome();
    const env = withEngine(home.env, conf);
    const id = await start(env, "lost-and-found");
    const labels = JSON.parse((await podmanOut(conf, ["inspect", "--format", "{{json .Config.Labels}}", `remote-${id}`])).stdout) as Record<string, string>;
    expect(labels).toMatchObject({ "app.kubernetes.io/managed-by": "remote", "remote.dev/session-id": id, "remote.dev/profile": "shell", "remote.dev/session-name": "lost-and-found" });

    const other = withEngine({ ...home.env, REMOTE_HOME: join(home.dir, "elsewhere") }, conf);
    expect(await listed(other)).toEqual([]);
    const found = await cli(other, ["ls", "--target", "docker", "--json"]);
    succeeded(found);
    expect(found.stderr).toContain("by their labels");
    expect(found.stderr).toContain(id);
    expect((JSON.parse(found.stdout) as Listed[]).find((s) => s.id === id)).toMatchObject({ name: "lost-and-found", profile: "shell", state: "running", target: "docker", container: `remote-${id}` });

    const client = ptyClient(other, [...remoteCommand(), "attach", "lost-and-found"]);
    await client.waitFor((s) => /[$#] ?$/m.test(s), "the container shell's prompt");
    client.type("echo kept > ~/kept.txt; echo refound-$((40+2))\r");
    await client.waitFor((s) => s.includes("refound-42"), "the typed command's output");
    client.type("\x10\x11");
    expect(await client.proc.exited).toBe(0);

    // The first home loses its store and finds it again too.
    const store = home.env.REMOTE_HOME as string;
    for (const file of readdirSync(store).filter((f) => f.startsWith("remote.db"))) rmSync(join(store, file));
    expect(await listed(env)).toEqual([]);
    expect((await listed(env, ["--target", "docker"])).find((s) => s.id === id)).toMatchObject({ name: "lost-and-found", state: "running" });
    expect((await cli(env, ["logs", "lost-and-found"])).stdout).toContain("refound-42");

    succeeded(await cli(other, ["stop", "lost-and-found"]));
    expect((await podmanOut(conf, ["container", "exists", `remote-${id}`])).code).not.toBe(0);
    // HOME outlives stop, as a Pod's claim does: the file written in the session is on the volume.
    expect(await volumeExists(id)).toBe(true);
    const kept = await podmanOut(conf, ["run", "--rm", "--network", "none", "--volume", `remote-${id}-data:/data`, TEST_IMAGE, "/bin/cat", "/data/kept.txt"]);
    expect(kept.stdout).toBe("kept");
    const removed = await cli(other, ["rm", "lost-and-found"]);
    succeeded(removed);
    expect(removed.stderr).toContain(`its volume remote-${id}-data stays`);
    expect((await listed(other)).map((s) => s.id)).not.toContain(id);
    expect(await volumeExists(id)).toBe(true);
    // The other home still has its record (ended now): rm --volumes there deletes the volume.
    succeeded(await cli(env, ["rm", id, "--volumes"]));
    expect(await volumeExists(id)).toBe(false);
  }, 120_000);

  test("a missing image leaves no container and no volume; smoke --target docker with no control plane leaves nothing", async () => {
    using home = tempHome();
    const env = withEngine(home.env, conf);
    const volumes = async () => (await podmanOut(conf, ["volume", "ls", "--quiet"])).stdout;
    const before = await volumes();
    const noImage = await cli(env, ["run", "shell", "--target", "docker", "--image", "localhost/no-such-image:never", "--detach"]);
    expect(noImage.code).toBe(1);
    expect(noImage.stderr).toContain("has no such image");
    expect(await volumes()).toBe(before);
    expect(await listed(env)).toEqual([]);

    const smoke = await cli(env, ["smoke", "shell", "--target", "docker", "--image", TEST_IMAGE, "--timeout", "60"]);
    succeeded(smoke);
    expect(smoke.stdout).toMatch(/^smoke ok: shell session ([a-z0-9]{8}) on this machine \(target docker\): terminal open after \d+ ms, stopped and removed\n$/);
    const id = /session ([a-z0-9]{8})/.exec(smoke.stdout)?.[1] as string;
    made.push(id);
    expect((await podmanOut(conf, ["container", "exists", `remote-${id}`])).code).not.toBe(0);
    expect(await volumeExists(id)).toBe(false);
    expect(await listed(env)).toEqual([]);
  }, 120_000);
});
