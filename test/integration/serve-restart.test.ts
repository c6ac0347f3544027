import { expect, test } from "bun:test";
import { FrameType } from "../../src/domain/host-protocol.ts";
import { cli, tempHome } from "../support/cli.ts";
import { alive } from "../support/wait.ts";
import { outputOf, startServe, wsClient } from "../support/serve.ts";


test("kill -9 of remote serve loses no session: a new serve lists both and attaches with screens intact", async () => {
  using home = tempHome("remote-serve-restart-");
  const first = await startServe(home);
  const names = ["left", "right"];
  const ids: string[] = [];
  for (const name of names) {
    const r = await first.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: name, startupArgs: ["--norc", "--noprofile", "-i"] }) });
    expect(r.status).toBe(201);
    ids.push(((await r.json()) as { id: string }).id);
    const ws = wsClient(`${first.wsUrl}/sessions/${name}/attach`, { headers: { authorization: `Bearer ${first.token}` } });
    await ws.opened;
    ws.hello({ clientId: `typist-${name}` });
    ws.input(1, `echo before-$((6*7))-${name}\r`);
    await ws.waitFor((f) => outputOf(f).includes(`before-42-${name}\r\n`), `${name}'s output`);
    // Left stays attached through the crash; right detached before it.
    if (name === "right") ws.close();
  }

  await first.kill();
  expect(alive(first.proc.pid)).toBe(false);

  const second = await startServe(home);
  try {
    expect(second.token).toBe(first.token);
    const listed = (await (await second.api("/sessions")).json()) as { sessions: { id: string; name: string; state: string }[] };
    expect(listed.sessions.map((s) => [s.name, s.state]).sort()).toEqual([
      ["left", "running"],
      ["right", "running"],
    ]);
    for (const name of names) {
      const ws = wsClient(`${second.wsUrl}/sessions/${name}/attach`, { headers: { authorization: `Bearer ${second.token}` } });
      await ws.opened;
      ws.hello({ clientId: `viewer-${name}`, cols: 80, rows: 24 });
      await ws.waitFor((f) => f.some((x) => x.type === FrameType.snapshot), `${name}'s snapshot`);
      const snapshot = ws.frames.find((f) => f.type === FrameType.snapshot);
      const screen = snapshot?.type === FrameType.snapshot ? new TextDecoder().decode(snapshot.data) : "";
      expect(screen).toContain(`before-42-${name}`);
      // And it is live, not a recording.
      ws.input(1, `echo after-$((6*8))-${name}\r`);
      await ws.waitFor((f) => outputOf(f).includes(`after-48-${name}\r\n`), `${name}'s output after the restart`);
      ws.close();
    }
  } finally {
    expect(await second.stop()).toBe(0);
  }
  // A clean stop (SIGTERM) leaves the sessions running too; the local CLI sees them in the same store.
  const ls = await cli(home.env, ["ls", "--json"]);
  expect((JSON.parse(ls.stdout) as { name: string; state: string }[]).map((s) => s.state)).toEqual(["running", "running"]);
}, 60000);
