/** The exported control plane client against a real `remote serve` on 127.0.0.1. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import * as api from "../../src/app/api.ts";
import { RemoteError } from "../../src/domain/errors.ts";
import { tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { startTcpProxy } from "../support/tcp-proxy.ts";
import { seededRandom } from "../support/seed.ts";
import { eventually } from "../support/wait.ts";

/** Reconnect jitter from a printed seed (REMOTE_TEST_SEED replays it). */
const jitter = seededRandom("remote-client reconnect jitter");

const home = tempHome("remote-client-");
let serve: ServeProcess;
let client: api.RemoteClient;

beforeAll(async () => {
  serve = await startServe(home);
  client = api.createRemoteClient({ url: serve.url, token: serve.token });
});
afterAll(async () => {
  await serve?.stop();
  home[Symbol.dispose]();
});

const caught = async (promise: Promise<unknown>): Promise<RemoteError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RemoteError) return error;
    throw error;
  }
  throw new Error("expected a RemoteError");
};

describe("createRemoteClient", () => {
  test("creates, lists, gets, renames, sends to, reads and stops a session", async () => {
    expect((await client.health()).ok).toBe(true);
    const created = await client.create({ profile: "shell", displayName: "api-one", startupArgs: ["--norc", "--noprofile", "-i"] });
    expect(created).toMatchObject({ name: "api-one", profile: "shell", state: "running" });
    expect((await client.list()).map((s) => s.id)).toContain(created.id);
    expect((await client.get("api-one")).id).toBe(created.id);
    expect((await client.get(created.id.slice(0, 5))).name).toBe("api-one");

    const renamed = await client.rename("api-one", "api-two");
    expect(renamed).toMatchObject({ id: created.id, name: "api-two" });

    await client.send("api-two", "echo via-$((40+2))", true);
    const logs = await eventually(async () => {
      const read = await client.logs(created.id);
      return read.text.includes("via-42") && read;
    }, "the echo of the sent line");
    expect(logs.text).toContain("via-42");
    expect(typeof logs.offset).toBe("number");

    const stopped = await client.stop("api-two", "test over");
    expect(stopped).toMatchObject({ id: created.id, state: "exited" });
  });

  test("refreshes credentials, and skips an unchanged bundle", async () => {
    // Only a session started with credentials has a HOME of its own to refresh.
    const s = await client.create({ profile: "shell", startupArgs: ["-c", "exec sleep infinity"], credentials: { ".claude/.credentials.json": Buffer.from('{"t":0}').toString("base64") } });
    const bundle = { ".claude/.credentials.json": new TextEncoder().encode('{"t":1}') };
    const first = await client.refreshCredentials(s.id, bundle);
    expect(first).toMatchObject({ updated: 1, skipped: false });
    const again = await client.refreshCredentials(s.id, { ".claude/.credentials.json": Buffer.from('{"t":1}').toString("base64") });
    expect(again).toMatchObject({ updated: 0, skipped: true, hash: first.hash });
    await client.stop(s.id);
  });

  test("server errors keep their code, message and hint", async () => {
    const missing = await caught(client.get("no-such-session"));
    expect(missing.code).toBe("SESSION_NOT_FOUND");
    expect(missing.kind).toBe("not-found");
    expect(missing.hint).toBeTruthy();

    const badProfile = await caught(client.create({ profile: "nope" }));
    expect(badProfile.code).toBe("UNKNOWN_PROFILE");
    expect(badProfile.message).toContain("shell");
  });

  test("a wrong token is UNAUTHORIZED and never echoed", async () => {
    const wrong = "f".repeat(64);
    const error = await caught(api.createRemoteClient({ url: serve.url, token: wrong }).list());
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.kind).toBe("unauthorized");
    expect(`${error.message} ${error.hint}`).not.toContain(wrong);
    expect(`${error.message} ${error.hint}`).not.toContain(serve.token);
  });

  test("connection refused is REMOTE_UNREACHABLE with a hint, without the token", async () => {
    const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data: () => {} } });
    const port = probe.port;
    probe.stop(true);
    const error = await caught(api.createRemoteClient({ url: `http://127.0.0.1:${port}`, token: serve.token }).list());
    expect(error.code).toBe("REMOTE_UNREACHABLE");
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.hint).toContain("remote serve");
    expect(`${error.message} ${error.hint}`).not.toContain(serve.token);
  });

  test("a URL carrying credentials or a query is refused before any request", () => {
    expect(() => api.createRemoteClient({ url: `${serve.url}/?token=${serve.token}`, token: serve.token })).toThrow(/credentials or a query/);
  });
});

describe("openRemoteAttach", () => {
  test("attaches over the WebSocket: snapshot first, keys in, output out, exit last", async () => {
    const s = await client.create({ profile: "shell", startupArgs: ["--norc", "--noprofile", "-i"] });
    let text = "";
    let first: "snapshot" | "output" | "notice" | undefined;
    let waiter: (() => void) | undefined;
    const attach = api.openRemoteAttach({
      client,
      token: serve.token,
      ref: s.id,
      clientId: "api-test",
      size: { cols: 80, rows: 24 },
      random: jitter.next,
      onOutput: (data, kind) => {
        first ??= kind;
        text += new TextDecoder().decode(data);
        waiter?.();
      },
    });
    const until = (needle: string) =>
      new Promise<void>((resolve) => {
        const check = () => (text.includes(needle) ? resolve() : (waiter = check));
        check();
      });
    attach.sendInput(new TextEncoder().encode("echo ws-$((6*7)); exit 3\r"));
    await until("ws-42");
    expect(first).toBe("snapshot");
    expect(await attach.done).toEqual({ kind: "exited", exitCode: 3, signal: null });
  });

  test("a link that dies silently is noticed by the heartbeat and replaced; no key is lost or doubled", async () => {
    const proxy = await startTcpProxy(Number(new URL(serve.url).port));
    const s = await client.create({ profile: "shell", startupArgs: ["--norc", "--noprofile", "-i"] });
    let text = "";
    const waiters: Array<() => void> = [];
    const statuses: string[] = [];
    const attach = api.openRemoteAttach({
      client: api.createRemoteClient({ url: proxy.url, token: serve.token }),
      token: serve.token,
      ref: s.id,
      clientId: "api-heartbeat",
      size: { cols: 80, rows: 24 },
      random: jitter.next,
      heartbeatMs: 200,
      onStatus: (status) => {
        statuses.push(status);
        for (const w of waiters.splice(0)) w();
      },
      onOutput: (data) => {
        text += new TextDecoder().decode(data);
        for (const w of waiters.splice(0)) w();
      },
    });
    const until = (ok: () => boolean) =>
      new Promise<void>((resolve) => {
        const check = () => (ok() ? resolve() : waiters.push(check));
        check();
      });
    try {
      attach.sendInput(new TextEncoder().encode("echo before-$((1+1))\r"));
      await until(() => text.includes("before-2"));
      const before = attach.reconnects();
      expect(proxy.freeze()).toBe(1);
      // Typed into the dead link: it must still arrive, once, after the reconnect.
      attach.sendInput(new TextEncoder().encode("echo after-$((2+2))\r"));
      await until(() => attach.reconnects() > before && text.includes("after-4"));
      expect(statuses.slice(-2)).toEqual(["reconnecting", "reconnected"]);
      expect(text.match(/after-4/g)?.length).toBe(1);
    } finally {
      attach.detach();
      proxy.stop();
      await client.stop(s.id);
    }
  });

  test("an unknown session is refused with the server's error, not retried forever", async () => {
    const attach = api.openRemoteAttach({
      client,
      token: serve.token,
      ref: "no-such-session",
      clientId: "api-test-2",
      size: { cols: 80, rows: 24 },
      random: jitter.next,
      onOutput: () => {},
    });
    const error = await caught(attach.done);
    expect(error.code).toBe("SESSION_NOT_FOUND");
  });
});
