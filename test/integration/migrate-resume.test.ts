import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { claudeProjectKey } from "../../src/domain/conversation/locate.ts";
import { cli, remoteCommand, repoRoot, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

/**
 * `remote migrate` killed (SIGKILL) between its steps and run again: it carries on, never
 * starts a second far session, never stops twice, never pulls twice. The laptop talks to
 * the far `remote serve` through a proxy that kills the CLI at a chosen request (before it
 * is forwarded) or answer (after the far side did the work, before the CLI heard of it);
 * a laptop plugin kills it right after a pull wrote the files.
 */
const fakeBin = join(repoRoot, "test", "fixtures", "bin");
const laptop = tempHome("remote-migrate-cut-laptop-");
const far = tempHome("remote-migrate-cut-far-");
let serve: ServeProcess;
let proxy: CuttingProxy;
let env: Record<string, string>;
const killAtPull = join(laptop.env.REMOTE_HOME as string, "kill-at-pull");

type Cut = { readonly method: string; readonly path: RegExp; readonly at: "request" | "answer" };
type CuttingProxy = { readonly url: string; readonly seen: string[]; cutAt: (cut: Cut, victim: Subprocess) => void; readonly stop: () => void };

/** An HTTP proxy to the far serve that SIGKILLs the victim at the cut (once), and logs every request. */
function startCuttingProxy(upstream: string): CuttingProxy {
  const seen: string[] = [];
  let armed: { cut: Cut; victim: Subprocess } | undefined;
  const kill = async () => {
    const victim = armed?.victim;
    armed = undefined;
    victim?.kill("SIGKILL");
    await victim?.exited;
  };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const url = new URL(request.url);
      seen.push(`${request.method} ${url.pathname}`);
      const hit = armed !== undefined && armed.cut.method === request.method && armed.cut.path.test(url.pathname) ? armed.cut : undefined;
      if (hit?.at === "request") {
        await kill();
        return new Response(null, { status: 502 });
      }
      const body = request.method === "GET" || request.method === "HEAD" ? null : await request.arrayBuffer();
      const answer = await fetch(`${upstream}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body, redirect: "manual" });
      const bytes = await answer.arrayBuffer();
      if (hit?.at === "answer") await kill();
      const headers = new Headers(answer.headers);
      // fetch already undid any content-encoding.
      headers.delete("content-encoding");
      headers.delete("content-length");
      return new Response(bytes, { status: answer.status, headers });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, seen, cutAt: (cut, victim) => (armed = { cut, victim }), stop: () => server.stop(true) };
}

beforeAll(async () => {
  far.env.PATH = `${fakeBin}:${far.env.PATH}`;
  serve = await startServe(far);
  proxy = startCuttingProxy(serve.url);
  env = { ...laptop.env, PATH: `${fakeBin}:${laptop.env.PATH}`, REMOTE_URL: proxy.url, REMOTE_TOKEN: serve.token };
  const plugins = join(laptop.env.REMOTE_HOME as string, "plugins");
  mkdirSync(plugins, { recursive: true });
  writeFileSync(
    join(plugins, "kill-at-pull.ts"),
    `import { existsSync, rmSync } from "node:fs";
export default { name: "kill-at-pull", setup: (hooks) => {
  hooks.hook("workspace:pull", () => { if (existsSync(${JSON.stringify(killAtPull)})) { rmSync(${JSON.stringify(killAtPull)}); process.kill(process.pid, "SIGKILL"); } });
} };
`,
  );
});
afterAll(async () => {
  proxy.stop();
  await serve.stop();
  far[Symbol.dispose]();
  laptop[Symbol.dispose]();
});

const transcriptIn = (home: string, cwd: string, id: string) => join(home, ".claude", "projects", claudeProjectKey(cwd), `${id}.jsonl`);
const messages = (path: string) => readFileSync(path, "utf8").trim().split("\n").map((line) => (JSON.parse(line) as { message: { content: string } }).message.content);
const stateOf = (work: string) => JSON.parse(readFileSync(join(work, ".remote", "migration.json"), "utf8")) as { forward: string[]; back: string[]; where: string; sessionId?: string; conflicts?: string[] };
const workspaceOf = (work: string) => (JSON.parse(readFileSync(join(work, ".remote", "workspace.json"), "utf8")) as { workspaceId: string }).workspaceId;
const farJson = async <T,>(path: string) => (await (await serve.api(path)).json()) as T;
const sessionsIn = async (cwd: string) => (await farJson<{ sessions: { id: string; cwd: string; state: string }[] }>("/sessions")).sessions.filter((s) => s.cwd === cwd);
const count = (line: string) => proxy.seen.filter((seen) => seen === line).length;

/** `remote <args>` in `cwd`, SIGKILLed at `cut` (else by the kill-at-pull plugin): resolves once it died there. */
async function killedAt(cut: Cut | undefined, cwd: string, args: string[]) {
  const proc = Bun.spawn([...remoteCommand(), ...args], { env, cwd, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  if (cut !== undefined) proxy.cutAt(cut, proc);
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  expect({ code, signal: proc.signalCode, stderr }).toMatchObject({ signal: "SIGKILL" });
}

async function conversedProject(name: string, files: Record<string, string>) {
  const work = join(laptop.dir, name);
  mkdirSync(work);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(work, path), text);
  expect((await cli(env, ["-p", "first task here"], { cwd: work, command: [join(fakeBin, "claude")] })).code).toBe(0);
  const id = readdirSync(join(laptop.dir, ".claude", "projects", claudeProjectKey(work)))[0]?.replace(/\.jsonl$/, "") as string;
  return { work, id, remote: (...args: string[]) => cli(env, args, { cwd: work }) };
}

describe("remote migrate, killed between steps and run again", () => {
  test("forward killed after the push and after the far side started the session: one push, one far session", async () => {
    const { work, id, remote } = await conversedProject("forward-cut", { "a.txt": "A\n" });
    const forward = ["migrate", "forward", "claude", "--no-attach", "--no-auth"];

    // The push committed, the CLI never heard of it.
    await killedAt({ method: "POST", path: /^\/workspaces\/[^/]+\/push$/, at: "answer" }, work, forward);
    const workspaceId = workspaceOf(work);
    expect(stateOf(work).forward).toEqual([]);
    expect((await farJson<{ version: number }>(`/workspaces/${workspaceId}`)).version).toBe(1);

    // The far side started the session; its answer never arrived.
    await killedAt({ method: "POST", path: /^\/sessions$/, at: "answer" }, work, forward);
    expect(stateOf(work)).toMatchObject({ forward: ["push"] });
    expect(stateOf(work).sessionId).toBeUndefined();
    const started = (await sessionsIn(work))[0] as { id: string; state: string };
    expect(started.state).toBe("running");

    const again = await remote(...forward);
    expect(again.stderr).toContain(`conversation ${id} runs in session`);
    expect([again.code, again.stdout.trim()]).toEqual([0, started.id]);
    expect((await sessionsIn(work)).map((s) => s.id)).toEqual([started.id]);
    // The second push found nothing to send: no new version.
    expect((await farJson<{ version: number }>(`/workspaces/${workspaceId}`)).version).toBe(1);
    expect(stateOf(work)).toMatchObject({ forward: ["push", "start"], sessionId: started.id });
    expect((await remote("migrate", "back")).code).toBe(0);
  }, 120000);

  test("back killed after the stop, after the conversation, after the commit and after the pull: each step once", async () => {
    const { work, id, remote } = await conversedProject("back-cut", { "shared.txt": "as it was\n" });
    const forward = await remote("migrate", "forward", "claude", "--no-attach", "--no-auth");
    expect(forward.code).toBe(0);
    const sessionId = forward.stdout.trim();
    const farTranscript = transcriptIn(far.dir, work, id);
    const sent = await serve.api(`/sessions/${sessionId}/send`, { method: "POST", body: JSON.stringify({ text: "far line", enter: true }), headers: { "content-type": "application/json" } });
    expect(sent.status).toBe(204);
    await eventually(() => existsSync(farTranscript) && messages(farTranscript).includes("echo: far line"), "the far claude to answer");
    // Meanwhile someone else changed the workspace, and the laptop changed the same line: the pull conflicts.
    const other = join(laptop.dir, "back-cut-other");
    mkdirSync(other);
    expect((await cli(env, ["workspace", "pull", "--id", workspaceOf(work)], { cwd: other })).code).toBe(0);
    writeFileSync(join(other, "shared.txt"), "changed by someone else\n");
    expect((await cli(env, ["workspace", "push"], { cwd: other })).code).toBe(0);
    writeFileSync(join(work, "shared.txt"), "changed on the laptop\n");
    const stop = `POST /sessions/${sessionId}/stop`;

    await killedAt({ method: "GET", path: /\/conversation$/, at: "request" }, work, ["migrate", "back"]);
    expect(stateOf(work).back).toEqual(["stop"]);
    expect((await farJson<{ state: string }>(`/sessions/${sessionId}`)).state).toBe("exited");

    await killedAt({ method: "POST", path: /^\/sessions\/[^/]+\/workspace$/, at: "request" }, work, ["migrate", "back"]);
    expect(stateOf(work).back).toEqual(["stop", "conversation"]);
    expect(messages(transcriptIn(laptop.dir, work, id))).toEqual(["first task here", "Done: first task here", "far line", "echo: far line"]);

    await killedAt({ method: "POST", path: /^\/sessions\/[^/]+\/workspace$/, at: "answer" }, work, ["migrate", "back"]);
    expect(stateOf(work).back).toEqual(["stop", "conversation"]);

    writeFileSync(killAtPull, "");
    const pulls = count(`GET /workspaces/${workspaceOf(work)}/manifest`);
    await killedAt(undefined, work, ["migrate", "back"]);
    expect(existsSync(killAtPull)).toBe(false);
    expect(stateOf(work)).toMatchObject({ back: ["stop", "conversation", "commit", "pull"], conflicts: ["shared.txt"], where: "away" });
    const merged = readFileSync(join(work, "shared.txt"), "utf8");
    expect(merged).toContain("<<<<<<<");
    expect(count(`GET /workspaces/${workspaceOf(work)}/manifest`)).toBe(pulls + 1);

    const back = await remote("migrate", "back");
    expect(back.stderr).toContain("conflict left in shared.txt");
    expect([back.code, back.stdout]).toEqual([1, `claude --resume ${id}\n`]);
    // Not pulled again (the markers are not merged a second time), stopped once, the conversation as it came.
    expect(readFileSync(join(work, "shared.txt"), "utf8")).toBe(merged);
    expect(count(`GET /workspaces/${workspaceOf(work)}/manifest`)).toBe(pulls + 1);
    expect(count(stop)).toBe(1);
    expect(messages(transcriptIn(laptop.dir, work, id))).toEqual(["first task here", "Done: first task here", "far line", "echo: far line"]);
    expect(stateOf(work).where).toBe("home");
  }, 120000);
});
