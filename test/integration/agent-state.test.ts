/**
 * Issue 13: what each session's agent is doing, from the fake CLIs' hooks (called the way
 * the real CLIs call them when given our --settings / settings file / notify), from output
 * activity and from rate-limit messages; hooks authenticated to their own session;
 * `remote wait`; GET /events resumed with Last-Event-ID.
 */
import { describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSqliteEventLog } from "../../src/adapters/store/sqlite-event-log.ts";
import { requestOnce } from "../../src/adapters/socket/one-request.ts";
import { socketPathFor } from "../../src/domain/config.ts";
import type { StateEvent } from "../../src/domain/agent-state/state-event.ts";
import { cli, NO_SECURE_PARENT, remoteCommand, repoRoot, secureParent, tempHome } from "../support/cli.ts";
import { startServe } from "../support/serve.ts";
import { eventually } from "../support/wait.ts";

const fakeBin = join(repoRoot, "test", "fixtures", "bin");
type Home = ReturnType<typeof tempHome>;

/**
 * Gemini CLI reads its settings file only when no directory above it is writable by others
 * (/tmp is): `secure` puts the home under a secure parent instead (secureParent()), removed at the end.
 */
const secureDir = secureParent();
if (secureDir === undefined) console.warn(`skipping the gemini hooks test: ${NO_SECURE_PARENT}`);
function agentHome(quietMs = 300, secure = false): Home {
  const home = tempHome("remote-agent-state-", secure ? secureDir : undefined);
  home.env.PATH = `${fakeBin}:${home.env.PATH}`;
  mkdirSync(home.env.REMOTE_HOME as string, { recursive: true });
  writeFileSync(join(home.env.REMOTE_HOME as string, "config.toml"), `agent_quiet_ms = ${quietMs}\n`);
  return home;
}

const store = (home: Home) => join(home.env.REMOTE_HOME as string, "remote.db");
/** The states the session went through, in the order the event log has them. */
const statesOf = (home: Home, id: string) =>
  createSqliteEventLog({ path: store(home) })
    .after(0, 10_000)
    .filter((e) => e.subject === "session" && e.subjectId === id)
    .map((e) => e.state);

async function run(home: Home, profile: string, name: string, extra: string[] = []) {
  const r = await cli(home.env, ["run", profile, "--detach", "--name", name, ...extra]);
  expect(r.code).toBe(0);
  return r.stdout.trim();
}
const send = async (home: Home, ref: string, text: string) => expect((await cli(home.env, ["send", ref, text, "--enter"])).code).toBe(0);
async function waitFor(home: Home, ref: string, until: string, timeout = "30s") {
  const r = await cli(home.env, ["wait", ref, "--until", until, "--timeout", timeout]);
  expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toMatchObject({ code: 0, stdout: `${until.split(",")[0]}\n` });
}
type Listed = { id: string; state: string; agent: { state: string; since: string; resetAt: string | null; detail: string | null } | null };
const listed = async (home: Home, id: string) => ((JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as Listed[]).find((s) => s.id === id) as Listed);

/** The agent's own environment (what its hooks inherit): its token and socket. */
async function agentEnv(home: Home, id: string): Promise<Record<string, string>> {
  const pid = (JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as { id: string; pid: number }[]).find((s) => s.id === id)?.pid;
  const text = readFileSync(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(text.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

describe("agent state from the CLIs' own hooks", () => {
  test("claude (--settings hooks): starting -> waiting -> working -> waiting; a permission prompt -> needs-approval -> working -> waiting; exit -> exited", async () => {
    using home = agentHome();
    const id = await run(home, "claude", "c1");
    await waitFor(home, id, "waiting");
    await send(home, id, "hello");
    await eventually(() => statesOf(home, id).length >= 4 && statesOf(home, id), "the turn's states");
    await send(home, id, "/tool");
    await waitFor(home, id, "needs-approval");
    const asking = await listed(home, id);
    expect(asking.agent).toMatchObject({ state: "needs-approval", detail: "Claude needs your permission to use Bash" });
    const ls = (await cli(home.env, ["ls"])).stdout;
    expect(ls).toMatch(new RegExp(`${id}.*needs-approval \\d+s`));
    await send(home, id, "y");
    await eventually(() => statesOf(home, id).length >= 7 && statesOf(home, id), "the tool's states");
    await send(home, id, "/exit");
    await waitFor(home, id, "exited");
    expect(statesOf(home, id)).toEqual(["starting", "waiting", "working", "waiting", "working", "needs-approval", "working", "waiting", "exited"]);
    // The person's argv is what the record keeps; the hook settings were added for the run only.
    const record = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout)[0];
    expect(record.agent.state).toBe("exited");
  });

  test.skipIf(secureDir === undefined)("gemini (hooks in its settings file): BeforeAgent/AfterAgent and a ToolPermission notification", async () => {
    using home = agentHome(300, true);
    const id = await run(home, "gemini", "g1");
    await waitFor(home, id, "waiting");
    await send(home, id, "/tool");
    await waitFor(home, id, "needs-approval");
    await send(home, id, "y");
    await eventually(() => statesOf(home, id).at(-1) === "waiting" && statesOf(home, id).length >= 6, "the tool's turn to end");
    expect(statesOf(home, id)).toEqual(["starting", "waiting", "working", "needs-approval", "working", "waiting"]);
    // The settings file is the session's own, private: the person's ~/.gemini is untouched.
    const settings = join(home.env.REMOTE_HOME as string, "sessions", id, "agent-settings.json");
    expect((Bun.file(settings).size > 0) && (await import("node:fs")).statSync(settings).mode & 0o777).toBe(0o600);
  });

  test("gemini under a directory others may write: no settings file (gemini would skip it), its output decides, the host log says why", async () => {
    using home = agentHome();
    const id = await run(home, "gemini", "g2");
    await waitFor(home, id, "idle");
    const log = readFileSync(join(home.env.REMOTE_HOME as string, "sessions", id, "host.log"), "utf8");
    expect(log).toContain("gemini hooks not installed");
    expect(log).toContain("'/tmp' is writable by others");
  });

  test("codex (-c notify): output makes it working, agent-turn-complete makes it waiting", async () => {
    using home = agentHome();
    const id = await run(home, "codex", "x1");
    await waitFor(home, id, "waiting"); // its prompt drawn, then quiet
    await send(home, id, "do it");
    await eventually(() => statesOf(home, id).slice(-2).join() === "working,waiting" && statesOf(home, id).length >= 4, "the turn to end on notify");
    expect(statesOf(home, id).slice(0, 2)).toEqual(["starting", "working"]);
  });
});

describe("agent state from output and rate limits", () => {
  test("a shell: working while output flows, idle once quiet", async () => {
    using home = agentHome();
    const id = await run(home, "shell", "s1");
    await waitFor(home, id, "idle");
    await send(home, id, "echo one; echo two");
    await eventually(() => statesOf(home, id).filter((s) => s === "idle").length >= 2, "idle again after the output");
    expect(statesOf(home, id).slice(-2)).toEqual(["working", "idle"]);
  });

  test("claude printing its real 429 message: throttled, with the message; a reset time when the message has one", async () => {
    using home = agentHome();
    home.env.FAKE_CLI_MODE = "throttle";
    const id = await run(home, "claude", "t1");
    await waitFor(home, id, "waiting");
    await send(home, id, "go");
    await waitFor(home, id, "throttled");
    expect((await listed(home, id)).agent).toMatchObject({ state: "throttled", detail: expect.stringContaining("Request rejected (429)") });

    home.env.FAKE_CLI_THROTTLE_TEXT = "You've hit your usage limit. Try again at 11:45 PM.";
    const codex = await run(home, "codex", "t2");
    await waitFor(home, codex, "waiting");
    await send(home, codex, "go");
    await waitFor(home, codex, "throttled");
    const agent = (await listed(home, codex)).agent;
    expect(agent?.resetAt).toMatch(/T23:45:00\.000Z$/);
    expect((await cli(home.env, ["ls"])).stdout).toContain("(resets 23:45 UTC)");
  });
});

describe("signals are authenticated, ordered and deduplicated", () => {
  test("a hook of one session cannot set another's state; a late or repeated signal changes nothing", async () => {
    using home = agentHome();
    const a = await run(home, "claude", "a");
    const b = await run(home, "claude", "b");
    await waitFor(home, a, "waiting");
    await waitFor(home, b, "waiting");
    const envA = await agentEnv(home, a);
    const envB = await agentEnv(home, b);
    expect(envA.REMOTE_SIGNAL_TOKEN).toMatch(/^[a-z0-9]{32}$/);
    expect(envA.REMOTE_SIGNAL_TOKEN).not.toBe(envB.REMOTE_SIGNAL_TOKEN);
    const socketB = socketPathFor({ socketsDir: join(home.env.REMOTE_HOME as string, "sock") } as never, b);
    expect(envB.REMOTE_SIGNAL_SOCKET).toBe(socketB);
    const prompt = JSON.stringify({ session_id: "x", hook_event_name: "UserPromptSubmit", prompt: "p" });

    // A's hook program, pointed at B's socket (or A's token sent by hand): refused, B unchanged.
    const hook = Bun.spawn([...remoteCommand(), "__signal", "claude"], { env: { ...envA, REMOTE_SIGNAL_SOCKET: socketB }, stdin: new TextEncoder().encode(prompt), stderr: "pipe" });
    expect(await hook.exited).toBe(0); // a hook never fails its CLI
    expect(await new Response(hook.stderr).text()).toContain("did not take the claude signal: refused");
    expect(await requestOnce(socketB, { op: "signal", token: envA.REMOTE_SIGNAL_TOKEN as string, source: "claude", payload: prompt, at: new Date().toISOString() })).toEqual({ error: "refused: the token is not this session's" });
    expect(await requestOnce(socketB, { op: "signal", token: "", source: "claude", payload: prompt, at: new Date().toISOString() })).toMatchObject({ error: expect.stringContaining("refused") });
    expect((await listed(home, b)).agent?.state).toBe("waiting");
    expect(statesOf(home, b)).toEqual(["starting", "waiting"]);

    // B's own hook program: taken.
    const own = Bun.spawn([...remoteCommand(), "__signal", "claude"], { env: envB, stdin: new TextEncoder().encode(prompt), stderr: "pipe" });
    expect(await own.exited).toBe(0);
    expect(await new Response(own.stderr).text()).toBe("");
    expect((await listed(home, b)).agent?.state).toBe("working");

    // Out of order: the turn's Stop (later) arrives before a prompt stamped earlier; then a duplicate of the Stop.
    const tokenB = envB.REMOTE_SIGNAL_TOKEN as string;
    const t = Date.now() + 1000;
    const stop = { op: "signal" as const, token: tokenB, source: "claude", payload: JSON.stringify({ session_id: "x", hook_event_name: "Stop" }), at: new Date(t + 20).toISOString() };
    expect(await requestOnce(socketB, stop)).toEqual({ ok: true, applied: true });
    expect(await requestOnce(socketB, { ...stop, payload: prompt, at: new Date(t + 10).toISOString() })).toEqual({ ok: true, applied: false });
    expect(await requestOnce(socketB, stop)).toEqual({ ok: true, applied: false });
    expect((await listed(home, b)).agent?.state).toBe("waiting");
    expect(statesOf(home, b)).toEqual(["starting", "waiting", "working", "waiting"]);
    expect(statesOf(home, a)).toEqual(["starting", "waiting"]);
  });
});

describe("remote wait", () => {
  test("exit 0 when reached (the current state counts), 3 on timeout, 4 when the session ends first, 2 for an unknown state", async () => {
    using home = agentHome();
    const id = await run(home, "claude", "w1");
    const reached = await cli(home.env, ["wait", id, "--timeout", "30s", "--json"]);
    expect(reached.code).toBe(0);
    expect(JSON.parse(reached.stdout)).toEqual({ id, outcome: "reached", state: "waiting" });
    const timedOut = await cli(home.env, ["wait", id, "--until", "working", "--timeout", "1s"]);
    expect(timedOut).toMatchObject({ code: 3, stdout: "" });
    expect(timedOut.stderr).toContain(`session ${id} is still waiting after 1s`);
    const waiter = Bun.spawn([...remoteCommand(), "wait", id, "--until", "needs-approval"], { env: home.env, stdout: "pipe", stderr: "pipe" });
    await send(home, id, "/exit");
    expect(await waiter.exited).toBe(4);
    expect(await new Response(waiter.stderr).text()).toContain("ended (exited) before reaching needs-approval");
    expect((await cli(home.env, ["wait", id, "--until", "exited"])).code).toBe(0);
    expect((await cli(home.env, ["wait", id, "--until", "busy"])).code).toBe(2);
    expect((await cli(home.env, ["wait", "nope"])).code).not.toBe(0);
  });
});

/** Reads an SSE stream: the events parsed, and a way to wait until some have come. */
function readEvents(response: Response) {
  const events: StateEvent[] = [];
  const other: string[] = [];
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        const kind = /^event: (.*)$/m.exec(block)?.[1];
        if (data && (kind === "session" || kind === "job")) events.push(JSON.parse(data) as StateEvent);
        else if (kind) other.push(kind);
      }
    }
  })();
  return { events, other, close: async () => { await reader.cancel().catch(() => {}); await pump; } };
}

describe("GET /events", () => {
  test("token-protected; streams state changes; resuming with Last-Event-ID loses no event and repeats none", async () => {
    using home = agentHome();
    const serve = await startServe(home);
    try {
      expect((await serve.api("/events", { token: null })).status).toBe(401);
      const first = await serve.api("/events");
      expect(first.status).toBe(200);
      expect(first.headers.get("content-type")).toContain("text/event-stream");
      const stream = readEvents(first);
      const id = await run(home, "claude", "e1");
      await eventually(() => stream.events.some((e) => e.subjectId === id && e.state === "waiting"), "waiting on the stream");
      await stream.close();
      const lastSeen = stream.events.at(-1) as StateEvent;

      // While no one listens, a whole turn and the session's end.
      await send(home, id, "hello");
      await send(home, id, "/exit");
      await waitFor(home, id, "exited");
      const resumed = readEvents(await serve.api("/events", { headers: { "Last-Event-ID": String(lastSeen.id) } }));
      await eventually(() => resumed.events.some((e) => e.state === "exited"), "the missed events");
      const all = createSqliteEventLog({ path: store(home) }).after(0, 10_000);
      expect([...stream.events, ...resumed.events].map((e) => e.id)).toEqual(all.map((e) => e.id));
      expect(resumed.events.map((e) => e.state)).toEqual(["working", "waiting", "exited"]);
      expect(resumed.events[0]).toMatchObject({ subject: "session", subjectId: id, name: "e1", previous: "waiting" });
      await resumed.close();

      // ?after=0 replays what is kept.
      const replay = readEvents(await serve.api("/events?after=0"));
      await eventually(() => replay.events.length === all.length, "the replay");
      await replay.close();
      // GET /sessions shows the agent state too.
      const sessions = (await (await serve.api("/sessions")).json()) as { sessions: Listed[] };
      expect(sessions.sessions.find((s) => s.id === id)?.agent?.state).toBe("exited");
    } finally {
      await serve.stop();
    }
  });
});
