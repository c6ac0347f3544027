import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tempHome } from "../support/cli.ts";
import { outputOf, startServe, wsClient, type ServeProcess } from "../support/serve.ts";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const SHELL = ["--norc", "--noprofile", "-i"];

/** Watches a session's output read-only and types into it through the API, as a client of serve would. */
async function watch(serve: ServeProcess, id: string) {
  const client = wsClient(`${serve.wsUrl}/sessions/${id}/attach`, { headers: { authorization: `Bearer ${serve.token}` } });
  await client.opened;
  client.hello({ clientId: `watch-${id}`, readOnly: true, fromOffset: 0 });
  let commands = 0;
  return {
    close: () => client.close(),
    /** Types a command line and resolves with all output once it has run (a marker the echoed line cannot contain). */
    run: async (line: string) => {
      const n = ++commands;
      const sent = await serve.api(`/sessions/${id}/send`, { method: "POST", body: JSON.stringify({ text: `${line}; echo "done-$((${n}+1000))"`, enter: true }) });
      expect(sent.status).toBe(204);
      await client.waitFor((frames) => outputOf(frames).includes(`done-${n + 1000}\r\n`), `the output of ${line}`);
      return outputOf(client.frames);
    },
  };
}

test("a session created with credentials reads them from its own HOME, a refresh reaches the running session, secrets stay out of the logs", async () => {
  using home = tempHome("remote-session-creds-");
  // The server's environment points claude elsewhere: the session must still read its own HOME.
  home.env.CLAUDE_CONFIG_DIR = join(home.dir, "servers-claude");
  const serve = await startServe(home);
  const first = "sk-first-9f2c41d07b";
  const second = "sk-second-3a8e5d6c10";
  try {
    const created = await serve.api("/sessions", {
      method: "POST",
      body: JSON.stringify({ profile: "shell", displayName: "creds", startupArgs: SHELL, cols: 200, credentials: { ".claude/.credentials.json": b64(`{"token":"${first}"}`), ".codex/auth.json": b64("{}") } }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const sessionHome = join(home.env.REMOTE_HOME as string, "sessions", id, "home");
    const inside = await watch(serve, id);

    // Read from inside the running session: its HOME, the file there, their modes.
    await inside.run('echo "home=[$HOME] ccd=[${CLAUDE_CONFIG_DIR-unset}]"');
    const out = await inside.run('cat "$HOME/.claude/.credentials.json"; echo; stat -c "%a %n" "$HOME" "$HOME/.claude" "$HOME/.claude/.credentials.json"');
    expect(out).toContain(`home=[${sessionHome}] ccd=[unset]`);
    expect(out).toContain(`{"token":"${first}"}`);
    expect(out).toContain(`700 ${sessionHome}\r\n`);
    expect(out).toContain(`700 ${sessionHome}/.claude\r\n`);
    expect(out).toContain(`600 ${sessionHome}/.claude/.credentials.json\r\n`);

    // A refresh lands where the running CLI reads, 0600.
    const refreshed = await serve.api(`/sessions/${id}/credentials`, { method: "POST", body: JSON.stringify({ credentials: { ".claude/.credentials.json": b64(`{"token":"${second}"}`) } }) });
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ updated: 1, skipped: false });
    const after = await inside.run('cat "$HOME/.claude/.credentials.json"; echo; stat -c "%a:%n" "$HOME/.claude/.credentials.json"');
    expect(after).toContain(`{"token":"${second}"}`);
    expect(after).toContain(`600:${sessionHome}/.claude/.credentials.json`);
    inside.close();

    // Without credentials a session keeps the server's HOME (and refreshing it is refused).
    const plain = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: "plain", startupArgs: SHELL }) });
    const plainId = ((await plain.json()) as { id: string }).id;
    const plainInside = await watch(serve, plainId);
    expect(await plainInside.run('echo "home=[$HOME]"')).toContain(`home=[${home.dir}]`);
    plainInside.close();
    const refused = await serve.api(`/sessions/${plainId}/credentials`, { method: "POST", body: JSON.stringify({ credentials: { ".claude/.credentials.json": b64(`{"token":"${second}"}`) } }) });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: "NO_SESSION_HOME" });

    for (const stop of [id, plainId]) expect((await serve.api(`/sessions/${stop}/stop`, { method: "POST", body: "{}" })).status).toBe(200);
    for (const [where, text] of [
      ["serve's stderr", serve.stderr()],
      ["host.log", readFileSync(join(home.env.REMOTE_HOME as string, "sessions", id, "host.log"), "utf8")],
    ] as const) {
      for (const secret of [first, second, b64(`{"token":"${first}"}`), b64(`{"token":"${second}"}`)]) expect([where, text.includes(secret)]).toEqual([where, false]);
    }
  } finally {
    await serve.stop();
  }
}, 60000);
