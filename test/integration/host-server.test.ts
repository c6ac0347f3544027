/**
 * The per-user host server: many sessions in one process, each isolated from the others.
 * Real PTYs, real sockets, real sqlite in a temp REMOTE_HOME; sessions start through the
 * real launcher (which starts the real `remote __host` server) from this process, so a
 * hundred of them fit the suite's time budget.
 */
import { alive, eventually } from "../support/wait.ts";
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { runSession } from "../../src/app/sessions/run.ts";
import { stopSession } from "../../src/app/sessions/manage.ts";
import { FrameType } from "../../src/domain/host-protocol.ts";
import { createRealDeps } from "../../src/wiring.ts";
import { fetchHostRecords } from "../../src/adapters/store/host-records.ts";
import { createUnixConnector, createUnixSocketServer } from "../../src/adapters/socket/unix-socket.ts";
import { hostServerSocketFor } from "../../src/domain/config.ts";
import { enrolledSessionId, parseHookInput } from "../../src/domain/enrollment.ts";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";

type Listed = { id: string; name: string; state: string; pid: number | null };

/** Attaches over the session's socket like `remote attach` does and returns the first screen it is sent. */
async function firstScreen(deps: ReturnType<typeof createRealDeps>, socketPath: string): Promise<string> {
  let got!: (text: string) => void;
  const screen = new Promise<string>((resolve) => (got = resolve));
  const conn = await deps.connector.connect(socketPath, (frame) => {
    if (frame.type === FrameType.snapshot) got(new TextDecoder().decode(frame.data));
  });
  conn.send({ type: FrameType.hello, hello: { v: 1, clientId: "test", mode: "attach", cols: 80, rows: 24 } });
  try {
    return await screen;
  } finally {
    conn.close();
  }
}

/** Waits for a process we did not start to be gone (no wait() on it is possible): re-checked on a short timer, bounded. */
async function gone(pid: number, what: string, timeoutMs = 15000) {
  await eventually(() => !alive(pid), `${what} (pid ${pid}) to end`, timeoutMs, 25);
}

describe("host server", () => {
  test("100 shell sessions: started, listed, attached in turn to see each one's screen, and stopped", async () => {
    using home = tempHome();
    const deps = createRealDeps(home.env);
    const started = [];
    for (let i = 0; i < 100; i++) {
      const { session } = await runSession(deps, { profile: "shell", name: `s${i}`, detach: true, args: ["-c", `echo screen-of-$((${i}+1000)); exec cat`] });
      started.push(session);
    }
    // Every session lives in one host server process.
    expect(new Set(started.map((s) => deps.store().get(s.id)?.host?.pid)).size).toBe(1);

    const listed = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as Listed[];
    expect(listed).toHaveLength(100);
    expect(listed.every((s) => s.state === "running")).toBe(true);

    for (const [i, s] of started.entries()) {
      const screen = await firstScreen(deps, s.socketPath as string);
      expect(screen).toContain(`screen-of-${i + 1000}`);
    }
    // And through the real client, for the first and the last one.
    for (const name of ["s0", "s99"]) {
      const client = ptyClient(home.env, [...remoteCommand(), "attach", name]);
      await client.waitFor((text) => text.includes(`screen-of-${name === "s0" ? 1000 : 1099}`), `the screen of ${name}`);
      client.type("typed-to-cat\r");
      await client.waitFor((text) => text.split("typed-to-cat").length >= 3, "cat's echo of the line");
      client.type("\x10\x11");
      expect(await client.proc.exited).toBe(0);
    }

    for (const s of started) await stopSession(deps, s.id);
    const after = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as Listed[];
    expect(after.filter((s) => s.state !== "exited")).toEqual([]);
    for (const s of started) expect(alive(s.pid as number)).toBe(false);
    deps.store().close();
  }, 120_000);

  test("a session flooding output (yes) does not starve the others: they still echo, and stop cleanly", async () => {
    using home = tempHome();
    const deps = createRealDeps(home.env);
    const flood = (await runSession(deps, { profile: "shell", name: "flood", detach: true, args: ["-c", "exec yes flooding-output-line"] })).session;
    await runSession(deps, { profile: "shell", name: "quiet", detach: true, args: ["-c", "echo quiet-ready; exec cat"] });
    const watcher = ptyClient(home.env, [...remoteCommand(), "attach", "flood"]);
    const quiet = ptyClient(home.env, [...remoteCommand(), "attach", "quiet"]);
    await quiet.waitFor((text) => text.includes("quiet-ready"), "the quiet session's screen");
    await watcher.waitFor((_text, raw) => raw.includes("flooding-output-line"), "the flood reaching its client");
    for (const word of ["one", "two", "three"]) {
      quiet.type(`echo-${word}\r`);
      await quiet.waitFor((text) => text.split(`echo-${word}`).length >= 3, `the quiet session echoing ${word}`);
    }
    const stopped = await cli(home.env, ["stop", "flood"]);
    expect(stopped.code).toBe(0);
    // The watching client ends with the session (128 + SIGHUP, the way the flood ended).
    expect(await watcher.proc.exited).toBe(129);
    quiet.type("after-the-flood\r");
    await quiet.waitFor((text) => text.split("after-the-flood").length >= 3, "echo after the flood ended");
    const listed = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as Listed[];
    expect(listed.find((s) => s.id === flood.id)?.state).toBe("exited");
    expect(listed.find((s) => s.name === "quiet")?.state).toBe("running");
    quiet.type("\x10\x11");
    await quiet.proc.exited;
    await stopSession(deps, "quiet");
    deps.store().close();
  }, 60_000);

  test("sessions started at once (no server yet) all run, in one host server", async () => {
    using home = tempHome();
    // One deps per launcher, as separate `remote run` processes would have: each finds no server and starts one.
    const started = await Promise.all(Array.from({ length: 6 }, (_, i) => runSession(createRealDeps(home.env), { profile: "shell", name: `p${i}`, detach: true, args: ["-c", "exec cat"] })));
    const deps = createRealDeps(home.env);
    const records = started.map(({ session }) => deps.store().get(session.id));
    expect(records.map((r) => r?.state)).toEqual(Array(6).fill("running"));
    expect(new Set(records.map((r) => r?.host?.pid)).size).toBe(1);
    for (const { session } of started) await stopSession(deps, session.id);
    deps.store().close();
  }, 60_000);

  test("a reader takes the records from the running host server (no store open of its own); none, or a silent one, and it opens the store", async () => {
    using home = tempHome();
    const deps = createRealDeps(home.env);
    const control = hostServerSocketFor(deps.config.paths);
    expect(await fetchHostRecords(deps.connector, control, 5000)).toBeUndefined();
    const { session } = await runSession(deps, { profile: "shell", name: "r1", detach: true, args: ["-c", "exec cat"] });
    expect((await fetchHostRecords(deps.connector, control, 5000))?.records.map((r) => [r.name, r.state])).toEqual([["r1", "running"]]);

    const reader = createRealDeps(home.env);
    await reader.readStoreFromHost?.();
    // Stored after the reader asked: its reads are the host's records of that moment, not a store of its own.
    deps.store().insert({ ...session, id: "later1", name: "later", state: "exited" });
    expect(reader.store().list().map((r) => r.name)).toEqual(["r1"]);
    // Its first write goes to the store itself, and from then on so do its reads.
    expect(reader.store().update(session.id, { name: "r2" })?.name).toBe("r2");
    expect(reader.store().list().map((r) => r.name).sort()).toEqual(["later", "r2"]);
    expect(deps.store().get(session.id)?.name).toBe("r2");

    // A server that takes the connection but never answers is waited for only up to the bound.
    const silent = `${home.dir}/silent.sock`;
    const listener = createUnixSocketServer({ socketDirs: [home.dir] }).listen(silent, { open: () => ({}), data: () => {}, drain: () => {}, close: () => {} });
    expect(await fetchHostRecords(createUnixConnector({ socketDirs: [home.dir] }), silent, 50)).toBeUndefined();
    listener.stop();
    await stopSession(deps, session.id);
    reader.store().close();
    deps.store().close();
  }, 60_000);

  test("the host server folds waiting Claude Code hook events into its records: a reader finds the enrolled session and none left to write", async () => {
    using home = tempHome();
    const deps = createRealDeps(home.env);
    const { session } = await runSession(deps, { profile: "shell", name: "h1", detach: true, args: ["-c", "exec cat"] });
    const input = JSON.stringify({ session_id: "hook-abc", cwd: home.dir, hook_event_name: "SessionStart", source: "startup" });
    deps.hookInbox.put(parseHookInput("claude-start", input, { now: new Date(), fallbackCwd: home.dir }));

    const reply = await fetchHostRecords(deps.connector, hostServerSocketFor(deps.config.paths), 5000);
    expect(reply?.records.map((r) => [r.id, r.source]).sort()).toEqual([[enrolledSessionId("hook-abc"), "hook"], [session.id, "run"]].sort());
    expect(reply?.hookEventsTaken).toBe(true);
    expect(deps.hookInbox.take().events).toEqual([]);
    await stopSession(deps, session.id);
    deps.store().close();
  }, 60_000);

  test("kill -9 of the host server: every record reads lost, no agent outlives it, and the next run starts a new server", async () => {
    using home = tempHome();
    const deps = createRealDeps(home.env);
    const sessions = [];
    for (const name of ["k1", "k2", "k3"]) sessions.push((await runSession(deps, { profile: "shell", name, detach: true, args: ["-c", "exec cat"] })).session);
    const server = deps.store().get(sessions[0]?.id as string)?.host;
    expect(server).toBeDefined();
    process.kill(server?.pid as number, "SIGKILL");
    await gone(server?.pid as number, "the host server");
    const listed = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as Listed[];
    expect(listed.map((s) => s.state)).toEqual(["lost", "lost", "lost"]);
    // Their PTYs closed with the server: the kernel hangs up each agent.
    for (const s of sessions) await gone(s.pid as number, `the agent of ${s.name}`);

    const next = await cli(home.env, ["run", "shell", "--detach", "--name", "after", "--", "-c", "echo after-ok; exec cat"]);
    expect(next.code).toBe(0);
    const again = JSON.parse((await cli(home.env, ["ls", "--json"])).stdout) as Listed[];
    expect(again.find((s) => s.name === "after")?.state).toBe("running");
    expect(readFileSync(`${home.env.REMOTE_HOME}/host-server.log`, "utf8")).not.toContain("error");
    await cli(home.env, ["stop", "after"]);
    deps.store().close();
  }, 60_000);
});
