/**
 * The lossless-reconnect promise under fire: a TCP proxy between our WebSocket client and
 * a real `remote serve` cuts the connection 20 times while a session prints 50 MiB and
 * keys are typed. Every output byte must arrive exactly once and in place, every key
 * must reach the session exactly once and in order.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRemoteClient } from "../../src/app/remote/client.ts";
import { openRemoteAttach } from "../../src/app/remote/ws-attach.ts";
import { killHosts, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy.ts";
import { seededRandom } from "../support/seed.ts";

/** Reconnect jitter from a printed seed (REMOTE_TEST_SEED replays it). */
const jitter = seededRandom("remote-fault reconnect jitter");

const LINE = 16; // "%015.0f\n": 15 digits and a newline
const LINES = (50 * 1024 * 1024) / LINE;
const TOTAL = LINES * LINE;
const CUTS = 20;
const KEYS = 200;

/** The bytes `seq -f %015.0f 1 LINES` prints in [from, to): what the client must have seen there. */
function expected(from: number, to: number): Uint8Array {
  const out = new Uint8Array(to - from);
  let at = 0;
  for (let line = Math.floor(from / LINE); at < out.length; line++) {
    const text = `${String(line + 1).padStart(15, "0")}\n`;
    const skip = at === 0 ? from - line * LINE : 0;
    for (let i = skip; i < LINE && at < out.length; i++) out[at++] = text.charCodeAt(i);
  }
  return out;
}

const home = tempHome("remote-fault-");
let serve: ServeProcess | undefined;
let proxy: TcpProxy | undefined;
afterAll(async () => {
  proxy?.stop();
  await serve?.stop();
  killHosts(join(home.env.REMOTE_HOME as string, "remote.db"));
  home[Symbol.dispose]();
});

test("20 cuts during a 50 MiB stream: every byte once and in place, every key once and in order", async () => {
  const data = home.env.REMOTE_HOME as string;
  mkdirSync(data, { recursive: true });
  // The whole stream stays retained, so every resume is byte-exact by construction: with
  // the default 8 MiB a client that lags further gets a screen snapshot (by design) instead.
  writeFileSync(join(data, "config.toml"), `retain_bytes = ${64 * 1024 * 1024}\n`);
  serve = await startServe(home);
  proxy = await startTcpProxy(Number(new URL(serve.url).port));
  const client = createRemoteClient({ url: proxy.url, token: serve.token });

  const keysFile = join(home.dir, "keys.txt");
  // Raw and silent: output is exactly seq's bytes (no \r added, typed keys not echoed),
  // and `cat` writes every key it reads to a file. `| cat` makes seq's writes big.
  const script = `stty raw -echo; (seq -f %015.0f 1 ${LINES} | cat) & exec cat > ${keysFile}`;
  const session = await client.create({ profile: "shell", displayName: "fault", startupArgs: ["-c", script] });

  const keys = Array.from({ length: KEYS }, (_, i) => `<${i}>`);
  let received = 0;
  let mismatchAt: number | undefined;
  let snapshots = 0;
  let cuts = 0;
  let typed = 0;
  /** A cut only hits a connection that is attached (welcomed), so each cut is one real drop. */
  let armed = false;
  const cutSizes: number[] = [];
  let allReceived!: () => void;
  let broken!: (error: Error) => void;
  const complete = new Promise<void>((resolve, reject) => {
    allReceived = resolve;
    broken = reject;
  });
  let allReconnected!: () => void;
  const reconnected = new Promise<void>((resolve) => (allReconnected = resolve));

  const attach = openRemoteAttach({
    client,
    token: serve.token,
    ref: session.id,
    clientId: "fault-client",
    size: { cols: 80, rows: 24 },
    fromOffset: 0,
    // Every byte, as `logs --follow` reads them: a terminal this far behind would skip to a redraw (domain/terminal-backlog.ts).
    everyByte: true,
    random: jitter.next,
    onWelcome: () => (armed = true),
    onStatus: (status) => {
      if (status === "reconnected" && attach.reconnects() === CUTS) allReconnected();
    },
    onOutput: (chunk, kind) => {
      if (kind === "snapshot") {
        // A resume that did not land exactly where we asked: the stream can no longer be exact.
        snapshots++;
        return broken(new Error(`got a screen snapshot at ${attach.offset()} instead of the bytes from ${received}`));
      }
      const want = expected(received, received + chunk.length);
      if (mismatchAt === undefined && !Buffer.from(chunk).equals(Buffer.from(want))) {
        const i = chunk.findIndex((b, j) => b !== want[j]);
        mismatchAt = received + Math.max(0, i);
      }
      received += chunk.length;
      // Keys go out spread over the stream (some while disconnected); a cut at each 1/21st.
      while (typed < KEYS && received >= ((typed + 1) * TOTAL) / (KEYS + 1)) attach.sendInput(new TextEncoder().encode(keys[typed++] as string));
      if (armed && cuts < CUTS && received >= ((cuts + 1) * TOTAL) / (CUTS + 1)) {
        cuts++;
        armed = false;
        cutSizes.push(proxy?.cut() ?? 0);
      }
      if (received >= TOTAL) allReceived();
    },
  });
  // A stall fails with the state it stalled in, rather than at the test's timeout with nothing to go on.
  let lastProgress = "";
  const stallGuard = setInterval(() => {
    const progress = `${received}/${attach.reconnects()}`;
    if (progress === lastProgress) {
      broken(new Error(`stalled for 20 s: received ${received} of ${TOTAL}, cuts ${cuts}, reconnects ${attach.reconnects()}, typed ${typed}, armed ${armed}, offset ${attach.offset()}`));
    }
    lastProgress = progress;
  }, 20_000);
  let streamed = false;
  const ended = attach.done.then((outcome) => {
    if (!streamed) throw new Error(`attach ended early: ${JSON.stringify(outcome)} after ${received} bytes`);
  });
  // The tail of the stream may come in on a connection that was already cut: the last
  // reconnect can finish after the last byte, so wait for both.
  try {
    await Promise.race([Promise.all([complete, reconnected]), ended]);
  } finally {
    clearInterval(stallGuard);
  }
  streamed = true;

  expect(mismatchAt).toBeUndefined();
  expect(snapshots).toBe(0);
  expect(received).toBe(TOTAL);
  expect(attach.offset()).toBe(TOTAL);
  expect(proxy.cuts()).toBe(CUTS);
  expect(cutSizes.every((n) => n >= 1)).toBe(true);
  expect(attach.reconnects()).toBe(CUTS);

  // Every key, once, in order: wait until cat has written as many bytes as were typed.
  const want = keys.join("");
  const got = await new Promise<string>((resolve, reject) => {
    const read = () => (existsSync(keysFile) ? readFileSync(keysFile, "utf8") : "");
    const timer = setTimeout(() => reject(new Error(`keys never all arrived; got ${JSON.stringify(read())}`)), 20000);
    const check = () => {
      const text = read();
      if (text.length >= want.length) {
        clearTimeout(timer);
        clearInterval(poll);
        watcher.close();
        resolve(text);
      }
    };
    const watcher = watch(home.dir, check);
    // fs.watch can coalesce or drop events under load: a slow poll backs it up.
    const poll = setInterval(check, 250);
    check();
  });
  expect(got).toBe(want);

  attach.detach();
  expect(await attach.done).toEqual({ kind: "detached" });
  const stopped = await client.stop(session.id, "fault test over");
  expect(stopped.state).toBe("exited");
}, 90_000);
