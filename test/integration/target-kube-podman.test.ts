/**
 * Must-show of the kubernetes target (issue 9) with REAL containers: the real kubectl talks
 * to the fake API server, whose Pods are podman containers of the session image
 * (localhost/remote-session:local, built by `npm run image:local` into the machine's podman
 * store, reused while its stamp matches). The rendered Pod really runs `remote __pod` as
 * user 1000 on its claim (HOME at its own path), and `kubectl exec -i ... remote __bridge` is
 * a real `podman exec`. A session is created, attached, listed, stopped, and found again by a
 * CLI that lost its store.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { hostname } from "node:os";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startFakeKubeApi, type FakeKubeApi } from "../support/fake-kube-api.ts";
import { sharedPodman } from "../support/fake-kube-podman.ts";
import { podmanRuntime } from "../support/fake-kube-pods.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine } from "../support/container-engine.ts";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";

const hasKubectl = Bun.which("kubectl") !== null;
const skipReason = engineMissingReason ?? (hasKubectl ? undefined : "kubectl is not on PATH");
if (skipReason) console.warn(`skipping kubernetes-on-podman tests: ${skipReason}`);

type Listed = { id: string; name: string; state: string; target: string; container: string | null };

describe.skipIf(skipReason !== undefined)("kubernetes target, Pods as real podman containers of the session image", () => {
  let api: FakeKubeApi;
  let conf = "";
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
    api = startFakeKubeApi({ runtime: podmanRuntime(sharedPodman(conf)) });
  }, 180_000);
  afterAll(() => api?.close());

  const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });
  const listed = async (env: Record<string, string>, extra: string[] = []) => JSON.parse((await cli(env, ["ls", "--json", ...extra])).stdout) as Listed[];
  const podContainers = async () => (await podmanOut(conf, ["ps", "--quiet", "--filter", `name=fake-kube-${process.pid}-`])).stdout.split(/\s+/).filter(Boolean);

  test("created, attached (its own hostname, user 1000, HOME on the claim), listed, found again after the store is lost, stopped", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "podman", "--image", TEST_IMAGE, "--name", "realpod", "--detach", "--", "--norc", "--noprofile", "-i"], { cwd: home.dir });
    succeeded(r);
    const id = r.stdout.trim();
    expect(await podContainers()).toHaveLength(1);
    expect(await listed(env)).toMatchObject([{ id, name: "realpod", state: "running", target: "kubernetes", container: `remote-${id}` }]);

    const first = ptyClient(env, [...remoteCommand(), "attach", "realpod"]);
    await first.waitFor((s) => /[$#] ?$/m.test(s), "the Pod shell's prompt");
    first.type("echo host=$(cat /proc/sys/kernel/hostname) uid=$(id -u) home=$HOME; echo saved > ~/in-home.txt\r");
    const seen = await first.waitFor((s) => /host=\S+ uid=\d+ home=\S+\n[^\n]*[$#]/.test(s), "the Pod's hostname, uid and HOME");
    const [, theirs, uid, theirHome] = /host=(\S+) uid=(\d+) home=(\S+)/.exec(seen) as RegExpExecArray;
    expect(theirs).not.toBe(hostname());
    expect(uid).toBe("1000");
    expect(theirHome).toBe(home.dir);
    const before = first.text();
    first.type("\x10\x11");
    expect(await first.proc.exited).toBe(0);

    // The CLI restarts without its store: the labels find the Pod, the redraw is the same screen.
    const store = home.env.REMOTE_HOME as string;
    for (const file of readdirSync(store).filter((f) => f.startsWith("remote.db"))) rmSync(join(store, file));
    expect(await listed(env)).toEqual([]);
    expect(await listed(env, ["--target", "kubernetes", "--namespace", "podman"])).toMatchObject([{ id, name: "realpod", state: "running", target: "kubernetes" }]);
    const second = ptyClient(env, [...remoteCommand(), "attach", "realpod"]);
    await second.waitFor((s) => s.includes(`host=${theirs}`), "the redraw");
    expect(second.text()).toBe(before);
    second.type("cat ~/in-home.txt\r");
    await second.waitFor((s) => /^saved$/m.test(s), "the file written in HOME");
    second.type("\x10\x11");
    expect(await second.proc.exited).toBe(0);

    succeeded(await cli(env, ["stop", "realpod"]));
    expect(await podContainers()).toEqual([]);
    expect(api.objects("pods", "podman")).toEqual([]);
    expect(api.objects("persistentvolumeclaims", "podman").map((o) => o.metadata.name)).toEqual([`remote-${id}-data`]);
    expect((await listed(env))[0]).toMatchObject({ id, state: "exited" });
    succeeded(await cli(env, ["rm", "realpod", "--volumes"]));
    expect(api.objects("persistentvolumeclaims", "podman")).toEqual([]);
  }, 180_000);

  test("an image that does not exist: ImagePullBackOff read from the real runtime, a clear error, nothing left", async () => {
    using home = tempHome();
    const env = { ...home.env, ...api.env };
    const r = await cli(env, ["run", "shell", "--target", "kubernetes", "--namespace", "podman-bad", "--image", "localhost/no-such-image:never", "--detach"], { cwd: home.dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("from image 'localhost/no-such-image:never': ImagePullBackOff");
    for (const plural of ["pods", "secrets", "persistentvolumeclaims"]) expect(api.objects(plural, "podman-bad")).toEqual([]);
    expect(await listed(env)).toEqual([]);
  }, 60_000);
});
