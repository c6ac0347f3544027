/**
 * Credentials follow a session into a docker container (real podman) and a Kubernetes Pod
 * (the real kubectl against the fake API server, whose Pods are real podman containers of
 * the session image): Claude's files land in the session's HOME with 0600 (directories
 * 0700) and their exact content, hooks stripped from its settings; `remote refresh` pushes
 * fresh ones into the live session (skipped when unchanged), and a hard refresh of a Pod
 * starts it again on its volume with the fresh files, HOME kept, still attachable. No value
 * ever shows in an engine's or kubectl's argv (recorded by shims on PATH), in env, labels,
 * annotations, the Pod object, the CLI's output, or a log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderCredentialsSecret } from "../../src/domain/kube/secret.ts";
import { stripClaudeHooks } from "../../src/domain/credentials/strip-hooks.ts";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";
import { TEST_IMAGE, engineMissingReason, podmanOut, prepareEngine, removeContainersOf, withEngine } from "../support/container-engine.ts";
import { sharedPodman } from "../support/fake-kube-podman.ts";
import { startFakeKubeApi, type FakeKubeApi } from "../support/fake-kube-api.ts";
import { podmanRuntime } from "../support/fake-kube-pods.ts";
import { seededRandom } from "../support/seed.ts";
import { startServe } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

const IMAGE = "localhost/remote-session:fake-claude";
const hasKubectl = Bun.which("kubectl") !== null;
const random = seededRandom("container-credentials");
const secretValue = (label: string) => `sk-ant-oat01-${label}-${Math.floor(random.next() * 1e12).toString(36)}`;

/** Exit 0, or the failure shows what the command said. */
const succeeded = (r: { code: number; stderr: string }) => expect({ code: r.code, stderr: r.code === 0 ? "" : r.stderr }).toEqual({ code: 0, stderr: "" });

/** The session image with a `claude` that is an interactive bash (the real CLI is not in it), built on top without pulling. */
async function buildFakeClaudeImage(conf: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "fake-claude-image-"));
  try {
    writeFileSync(join(dir, "claude"), "#!/bin/sh\nexec /bin/bash --norc --noprofile -i\n", { mode: 0o755 });
    writeFileSync(join(dir, "Containerfile"), `FROM ${TEST_IMAGE}\nCOPY claude /usr/local/bin/claude\n`);
    const built = Bun.spawn(["podman", "build", "--pull=never", "--quiet", "-t", IMAGE, dir], { env: { ...process.env, CONTAINERS_CONF: conf }, stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(built.stderr).text(), built.exited]);
    if (code !== 0) throw new Error(`podman build failed: ${stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `podman` and `kubectl` on PATH that append their argv to a log, then run the real ones: what `ps` would show. */
function argvShims(): { dir: string; log: string; seen: () => string } {
  const dir = mkdtempSync(join(tmpdir(), "argv-shims-"));
  const log = join(dir, "argv.log");
  writeFileSync(log, "");
  for (const tool of ["podman", "kubectl"]) {
    const real = Bun.which(tool) ?? `/usr/bin/${tool}`;
    writeFileSync(join(dir, tool), `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(dir, tool), 0o755);
  }
  return { dir, log, seen: () => readFileSync(log, "utf8") };
}

/** The person's Claude login: the token, settings with a hook, the onboarding file. */
function claudeHome(home: string, token: string) {
  mkdirSync(join(home, ".claude"), { recursive: true });
  const files = {
    ".claude/.credentials.json": `{"claudeAiOauth":{"accessToken":"${token}","refreshToken":"${token}-refresh"}}\n`,
    ".claude/settings.json": `${JSON.stringify({ model: "opus", hooks: { SessionStart: [{ hooks: [{ type: "command", command: "/usr/bin/remote enroll --hook" }] }] } })}\n`,
    ".claude.json": '{"hasCompletedOnboarding":true}\n',
  };
  for (const [path, content] of Object.entries(files)) writeFileSync(join(home, path), content, { mode: 0o600 });
  return files;
}

/** Every file under `dir`, as text (logs, the store): none may hold a credential. */
function textUnder(dir: string): string {
  let all = "";
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile() && statSync(path).size < 10_000_000) all += readFileSync(path, "latin1");
  }
  return all;
}

const expectNowhere = (haystack: string, token: string) => {
  for (const needle of [token, Buffer.from(token).toString("base64").slice(0, 24)]) expect(haystack).not.toContain(needle);
};

type Row = { id: string; outcome: string; files?: number; restarted?: boolean; detail?: string };

if (engineMissingReason) console.warn(`skipping container credential tests: ${engineMissingReason}`);

describe.skipIf(engineMissingReason !== undefined)("credentials in docker containers and kubernetes Pods", () => {
  let conf = "";
  const made: string[] = [];
  const shims = argvShims();
  beforeAll(async () => {
    conf = (await prepareEngine()).containersConf;
    await buildFakeClaudeImage(conf);
  }, 180_000);
  afterAll(async () => {
    await removeContainersOf(conf, made);
    rmSync(shims.dir, { recursive: true, force: true });
  });

  test("docker: the bundle in the container's HOME (0600, exact, no hooks); refresh pushes fresh files, then skips; no value in argv, env, labels or logs", async () => {
    using home = tempHome();
    const env = { ...withEngine(home.env, conf), PATH: `${shims.dir}:${home.env.PATH}` };
    const token = secretValue("docker");
    const files = claudeHome(home.dir, token);
    const r = await cli(env, ["run", "claude", "--target", "docker", "--image", IMAGE, "--detach", "--name", "boxed", "--no-preflight"]);
    succeeded(r);
    const id = r.stdout.trim();
    made.push(id);
    const box = `remote-${id}`;
    const inBox = async (args: string[]) => (await podmanOut(conf, ["exec", box, ...args])).stdout;

    expect(await inBox(["cat", "/home/remote/.claude/.credentials.json"])).toBe(files[".claude/.credentials.json"].trim());
    expect(await inBox(["cat", "/home/remote/.claude.json"])).toBe(files[".claude.json"].trim());
    expect(JSON.parse(await inBox(["cat", "/home/remote/.claude/settings.json"]))).toEqual({ model: "opus" });
    // Owner-only, owned by the session user: the file 0600, the directory we made 0700.
    expect(await inBox(["ls", "-ln", "/home/remote/.claude/.credentials.json"])).toMatch(/^-rw------- 1 1000 1000 /);
    expect(await inBox(["ls", "-lnd", "/home/remote/.claude"])).toMatch(/^drwx------ \d+ 1000 1000 /);

    // Refresh: a new token reaches the live container; the same bundle again is skipped.
    const fresh = secretValue("docker-fresh");
    writeFileSync(join(home.dir, ".claude/.credentials.json"), `{"claudeAiOauth":{"accessToken":"${fresh}"}}\n`);
    const refreshed = await cli(env, ["refresh", "boxed", "--no-preflight", "--json"]);
    succeeded(refreshed);
    expect(JSON.parse(refreshed.stdout) as Row[]).toMatchObject([{ id, outcome: "updated", files: 3 }]);
    expect(await inBox(["cat", "/home/remote/.claude/.credentials.json"])).toBe(`{"claudeAiOauth":{"accessToken":"${fresh}"}}`);
    expect(await inBox(["ls", "-ln", "/home/remote/.claude/.credentials.json"])).toMatch(/^-rw------- 1 1000 1000 /);
    const again = await cli(env, ["refresh", "--all", "--no-preflight", "--json"]);
    expect(JSON.parse(again.stdout) as Row[]).toMatchObject([{ id, outcome: "unchanged" }]);

    // Nowhere else: not in any podman argv (what `ps` shows), the container's env/labels/args, its log, our output or files.
    const inspected = (await podmanOut(conf, ["inspect", box])).stdout;
    const logs = (await podmanOut(conf, ["logs", box])).stdout;
    for (const t of [token, fresh]) {
      for (const text of [shims.seen(), inspected, logs, r.stdout + r.stderr, refreshed.stderr, textUnder(home.env.REMOTE_HOME as string)]) expectNowhere(text, t);
    }
    expect(shims.seen()).toContain(`podman exec --interactive ${box} /usr/local/bin/remote __credentials`);
    succeeded(await cli(env, ["stop", "boxed"]));
  }, 120_000);

  test("serve: POST /sessions with target docker takes the bundle; POST /sessions/:id/credentials pushes fresh files, then skips", async () => {
    using home = tempHome("remote-serve-creds-");
    const serve = await startServe({ env: withEngine(home.env, conf) });
    try {
      const call = async (path: string, body: unknown) => {
        const r = await serve.api(path, { method: "POST", body: JSON.stringify(body) });
        return { status: r.status, body: (await r.json()) as Record<string, unknown> };
      };
      const hosts = (token: string) => Buffer.from(`github.com:\n    oauth_token: ${token}\n`).toString("base64");
      const first = secretValue("gh");
      const created = await call("/sessions", { profile: "shell", target: "docker", image: TEST_IMAGE, startupArgs: ["--norc", "--noprofile", "-i"], credentials: { ".config/gh/hosts.yml": hosts(first) } });
      expect(created).toMatchObject({ status: 201, body: { state: "running", target: "docker" } });
      const id = created.body.id as string;
      made.push(id);
      const file = "/home/remote/.config/gh/hosts.yml";
      const inBox = async (args: string[]) => (await podmanOut(conf, ["exec", `remote-${id}`, ...args])).stdout;
      expect(await inBox(["cat", file])).toBe(`github.com:\n    oauth_token: ${first}`);
      expect(await inBox(["ls", "-ln", file])).toMatch(/^-rw------- 1 1000 1000 /);
      expect(await inBox(["ls", "-lnd", "/home/remote/.config"])).toMatch(/^drwx------ /);

      const fresh = secretValue("gh-fresh");
      expect(await call(`/sessions/${id}/credentials`, { credentials: { ".config/gh/hosts.yml": hosts(fresh) } })).toMatchObject({ status: 200, body: { updated: 1, skipped: false } });
      expect(await inBox(["cat", file])).toBe(`github.com:\n    oauth_token: ${fresh}`);
      expect(await call(`/sessions/${id}/credentials`, { credentials: { ".config/gh/hosts.yml": hosts(fresh) } })).toMatchObject({ status: 200, body: { updated: 0, skipped: true } });
      expect((await call(`/sessions/${id}/stop`, {})).status).toBe(200);
      for (const t of [first, fresh]) expectNowhere(textUnder(home.env.REMOTE_HOME as string), t);
    } finally {
      await serve.stop();
    }
  }, 120_000);

  describe.if(hasKubectl)("kubernetes (fake API server, podman Pods)", () => {
    let api: FakeKubeApi;
    beforeAll(() => {
      api = startFakeKubeApi({ runtime: podmanRuntime(sharedPodman(conf)) });
    });
    afterAll(async () => {
      await api.close();
    });

    test("the Secret carries the bundle, the Pod's HOME gets it 0600; soft refresh updates both in place, a hard one restarts the Pod keeping HOME; no value in argv, the Pod or logs", async () => {
      using home = tempHome();
      const env = { ...home.env, ...api.env, PATH: `${shims.dir}:${home.env.PATH}` };
      const token = secretValue("kube");
      const files = claudeHome(home.dir, token);
      const work = join(home.dir, "work");
      const r = await cli(env, ["run", "claude", "--target", "kubernetes", "--namespace", "team", "--image", IMAGE, "--cwd", work, "--detach", "--name", "podded", "--no-preflight"]);
      succeeded(r);
      const id = r.stdout.trim();
      const pod = `remote-${id}`;
      const kubectl = async (args: string[]) => {
        const out = await cli(env, ["--namespace", "team", ...args], { command: ["kubectl"] });
        expect(out.stderr).toBe("");
        return out.stdout.trim();
      };
      const inPod = (args: string[]) => kubectl(["exec", pod, "--", ...args]);
      const credentialsFile = join(home.dir, ".claude/.credentials.json");

      // The recorded Secret is the rendered one for this bundle (settings without hooks).
      const settings = stripClaudeHooks(new TextEncoder().encode(files[".claude/settings.json"]));
      if (!settings.ok) throw new Error("the fixture's settings must be JSON");
      const bundle = new Map<string, Uint8Array>([
        [".claude.json", new TextEncoder().encode(files[".claude.json"])],
        [".claude/.credentials.json", new TextEncoder().encode(files[".claude/.credentials.json"])],
        [".claude/settings.json", settings.content],
      ]);
      const secrets = () => api.requests.filter((q) => q.method === "PATCH" && q.path.includes("/secrets/")).map((q) => JSON.parse(q.body));
      expect(secrets()).toEqual([renderCredentialsSecret({ sessionId: id, profile: "claude", namespace: "team", credentials: bundle })]);

      expect(await inPod(["cat", credentialsFile])).toBe(files[".claude/.credentials.json"].trim());
      expect(JSON.parse(await inPod(["cat", join(home.dir, ".claude/settings.json")]))).toEqual({ model: "opus" });
      expect(await inPod(["ls", "-ln", credentialsFile])).toMatch(/^-rw------- 1 1000 1000 /);
      expect(await inPod(["ls", "-lnd", join(home.dir, ".claude")])).toMatch(/^drwx------ \d+ 1000 1000 /);

      // Soft: the Secret and the live HOME updated, the same Pod.
      const uid = () => api.objects("pods", "team").find((p) => p.metadata.name === pod)?.metadata.uid;
      const firstUid = uid();
      const soft = secretValue("kube-soft");
      writeFileSync(credentialsFile, `{"claudeAiOauth":{"accessToken":"${soft}"}}\n`);
      const softly = await cli(env, ["refresh", "podded", "--soft", "--no-preflight", "--json"]);
      succeeded(softly);
      expect(JSON.parse(softly.stdout) as Row[]).toMatchObject([{ id, outcome: "updated" }]);
      expect((JSON.parse(softly.stdout) as Row[])[0]?.restarted).toBeUndefined();
      expect(uid()).toBe(firstUid);
      expect(await inPod(["cat", credentialsFile])).toBe(`{"claudeAiOauth":{"accessToken":"${soft}"}}`);
      const stored = api.objects("secrets", "team")[0]?.data as Record<string, string>;
      expect(Buffer.from(stored[".claude_2f.credentials.json"] as string, "base64").toString()).toContain(soft);

      // Hard: the Pod starts again on its claim: what the session wrote in HOME stays, the fresh files are there, same session.
      await inPod(["sh", "-c", `echo kept > ${join(home.dir, "note")}`]);
      // A client attached meanwhile hears the old host end; that does not end the session.
      const attached = ptyClient(env, [...remoteCommand(), "attach", "podded"]);
      await attached.waitFor((s) => /[$#] ?$/m.test(s), "the Pod shell's prompt");
      const hard = secretValue("kube-hard");
      writeFileSync(credentialsFile, `{"claudeAiOauth":{"accessToken":"${hard}"}}\n`);
      const hardly = await cli(env, ["refresh", "podded", "--no-preflight", "--json"]);
      succeeded(hardly);
      expect(JSON.parse(hardly.stdout) as Row[]).toMatchObject([{ id, outcome: "updated", restarted: true }]);
      await attached.proc.exited;
      expect(uid()).not.toBe(firstUid);
      expect(await inPod(["cat", join(home.dir, "note")])).toBe("kept");
      expect(await inPod(["cat", credentialsFile])).toBe(`{"claudeAiOauth":{"accessToken":"${hard}"}}`);
      expect(await inPod(["ls", "-ln", credentialsFile])).toMatch(/^-rw------- 1 1000 1000 /);
      const listed = JSON.parse((await cli(env, ["ls", "--json"])).stdout) as { id: string; state: string }[];
      expect(listed).toMatchObject([{ id, state: "running" }]);
      succeeded(await cli(env, ["send", "podded", "echo after-$((6*7))", "--enter"]));
      await eventually(async () => (await cli(env, ["logs", "podded"])).stdout.includes("after-42"), "the restarted session's output");
      const unchanged = await cli(env, ["refresh", "podded", "--no-preflight", "--json"]);
      expect(JSON.parse(unchanged.stdout) as Row[]).toMatchObject([{ id, outcome: "unchanged" }]);

      // Values only ever in the Secret's body: not in kubectl's argv, any other request (exec commands are query strings), the Pod, its log, our output or files.
      const elsewhere = api.requests.filter((q) => !q.path.includes("/secrets")).map((q) => `${q.path}?${q.query} ${q.body}`).join("\n");
      const podLog = await kubectl(["logs", pod]);
      for (const t of [token, soft, hard]) {
        for (const text of [shims.seen(), elsewhere, JSON.stringify(api.objects("pods", "team")), podLog, r.stdout + r.stderr, softly.stderr, hardly.stderr, textUnder(home.env.REMOTE_HOME as string)]) expectNowhere(text, t);
      }
      // The shim did see our kubectl: the apply of the objects and the exec that carried the bundle on stdin.
      expect(shims.seen()).toContain(`exec --stdin ${pod} -- /usr/local/bin/remote __credentials`);
      succeeded(await cli(env, ["stop", "podded"]));
    }, 180_000);
  });
});
