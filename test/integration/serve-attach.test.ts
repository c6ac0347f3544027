import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FrameType, type Frame } from "../../src/domain/host-protocol.ts";
import { tempHome } from "../support/cli.ts";
import { outputOf, startServe, wsClient, type ServeProcess } from "../support/serve.ts";

const SHELL = ["--norc", "--noprofile", "-i"];
const welcomeOf = (frames: readonly Frame[]) => frames.find((f) => f.type === FrameType.welcome);

describe("WebSocket attach through remote serve", () => {
  const home = tempHome("remote-serve-attach-");
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await startServe(home);
  });
  afterAll(async () => {
    await serve.stop();
    home[Symbol.dispose]();
  });

  const create = async (name: string) => {
    const r = await serve.api("/sessions", { method: "POST", body: JSON.stringify({ profile: "shell", displayName: name, startupArgs: SHELL, cols: 100, rows: 30 }) });
    expect(r.status).toBe(201);
    return (await r.json()) as { id: string; name: string; state: string };
  };
  const attach = (ref: string) => wsClient(`${serve.wsUrl}/sessions/${ref}/attach`, { headers: { authorization: `Bearer ${serve.token}` } });

  test("typed input comes back as output; a reconnect gets exactly the missing bytes; a resent seq is applied once", async () => {
    const session = await create("ws-shell");
    const first = attach(session.id);
    await first.opened;
    first.hello({ clientId: "client-a", cols: 100, rows: 30 });
    await first.waitFor((f) => welcomeOf(f) !== undefined, "welcome");
    expect(welcomeOf(first.frames)).toMatchObject({ welcome: { id: session.id, name: "ws-shell", lastSeq: 0 } });
    first.input(1, "echo hi\r");
    await first.waitFor((f) => /[\r\n]hi\r\n/.test(outputOf(f)), "hi printed by the shell");
    const resumeAt = first.endOffset() as number;
    first.close();
    await first.closed;

    // Renamed while detached: the next welcome carries the new name.
    expect((await serve.api(`/sessions/${session.id}`, { method: "PATCH", body: JSON.stringify({ displayName: "ws-renamed" }) })).status).toBe(200);
    // While nobody is attached, the session keeps printing.
    const sent = await serve.api(`/sessions/${session.id}/send`, { method: "POST", body: JSON.stringify({ text: "echo gap-$((40+2))", enter: true }) });
    expect(sent.status).toBe(204);
    for (let i = 0; i < 200; i++) {
      const logs = (await (await serve.api(`/sessions/${session.id}/logs`)).json()) as { text: string };
      if (logs.text.includes("gap-42\n")) break;
    }

    // A reference client reads the whole retained stream from offset 0.
    const reference = attach(session.id);
    await reference.opened;
    reference.hello({ clientId: "reference", readOnly: true, fromOffset: 0 });
    await reference.waitFor((f) => outputOf(f).includes("gap-42\r\n"), "the gap output in the reference stream");
    expect(welcomeOf(reference.frames)).toMatchObject({ welcome: { name: "ws-renamed" } });

    const again = attach(session.id);
    await again.opened;
    again.hello({ clientId: "client-a", cols: 100, rows: 30, fromOffset: resumeAt });
    await again.waitFor((f) => outputOf(f).includes("gap-42\r\n"), "the bytes printed while detached");
    expect(welcomeOf(again.frames)).toMatchObject({ welcome: { lastSeq: 1 } });
    // Resumed in the retained window: no snapshot, and the first output byte is the one after the last seen.
    expect(again.frames.some((f) => f.type === FrameType.snapshot)).toBe(false);
    const firstOutput = again.frames.find((f) => f.type === FrameType.output);
    expect(firstOutput?.type === FrameType.output && firstOutput.offset).toBe(resumeAt);
    const gap = again.outputBytes();
    await reference.waitFor(() => reference.outputBytes().length >= resumeAt + gap.length, "the reference stream to cover the gap");
    const ref = reference.outputBytes();
    // Exactly the missing bytes: what the first client saw + what the reconnect got = the whole stream.
    // (The first client started from a snapshot: its byte stream begins at the snapshot's offset.)
    const snapshot = first.frames.find((f) => f.type === FrameType.snapshot);
    const firstFrom = snapshot?.type === FrameType.snapshot ? snapshot.offset : 0;
    expect(Buffer.from(first.outputBytes()).equals(Buffer.from(ref.subarray(firstFrom, resumeAt)))).toBe(true);
    expect(gap.length).toBeGreaterThan(0);
    expect(Buffer.from(gap).equals(Buffer.from(ref.subarray(resumeAt, resumeAt + gap.length)))).toBe(true);

    // A resent input (seq 1 again) is dropped; the next seq is applied, in order.
    again.input(1, "echo dup-$((1+1))\r");
    again.input(2, "echo after-$((2+1))\r");
    await again.waitFor((f) => outputOf(f).includes("after-3\r\n"), "the next input's output");
    expect(again.outputText()).not.toContain("dup-");

    // Exit: the exit frame is relayed, then the socket closes normally.
    again.input(3, "exit 5\r");
    const closed = await again.closed;
    expect(again.frames.find((f) => f.type === FrameType.exit)).toMatchObject({ exit: { exitCode: 5 } });
    expect(closed.code).toBe(1000);
    reference.close();
    // An ended session refuses the upgrade (409), before any WebSocket byte.
    const late = await fetch(`${serve.url}/sessions/${session.id}/attach`, {
      headers: { authorization: `Bearer ${serve.token}`, upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" },
    });
    expect(late.status).toBe(409);
  }, 30000);

  test("only input, resize and info frames pass after hello: a stop request over attach is refused", async () => {
    const session = await create("ws-guarded");
    const client = attach(session.name);
    await client.opened;
    client.hello({ clientId: "guard" });
    await client.waitFor((f) => welcomeOf(f) !== undefined, "welcome");
    client.send({ type: FrameType.request, request: { op: "info" } });
    await client.waitFor((f) => f.some((x) => x.type === FrameType.reply), "the info reply");
    client.send({ type: FrameType.request, request: { op: "stop" } });
    expect((await client.closed).code).toBe(1008);
    const after = (await (await serve.api(`/sessions/${session.id}`)).json()) as { state: string };
    expect(after.state).toBe("running");

    // The first frame must be a hello.
    const rude = attach(session.id);
    await rude.opened;
    rude.input(1, "x");
    expect((await rude.closed).code).toBe(1008);
  }, 30000);
});
