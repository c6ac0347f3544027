import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FrameType } from "../domain/host-protocol.ts";
import { exchangeOnce } from "./quick-socket.ts";

/**
 * The exchange blocks this thread, so the host it talks to runs in another process: a real
 * Unix socket server that replies to a request frame (with the request's op echoed), closes
 * without a word, or never answers.
 */
const SERVER = `
import { encodeFrame, createFrameDecoder, FrameType } from ${JSON.stringify(join(import.meta.dir, "../domain/host-protocol.ts"))};
const [path, behaviour] = process.argv.slice(-2);
Bun.listen({ unix: path, socket: { data: (socket, chunk) => createFrameDecoder((frame) => {
  if (frame.type !== FrameType.request) return;
  if (behaviour === "reply") socket.write(encodeFrame({ type: FrameType.reply, reply: { echoed: frame.request.op } }));
  if (behaviour === "close") socket.end();
})(chunk) } });
console.log("listening");
await new Promise(() => {});
`;

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

async function hostThat(behaviour: "reply" | "close" | "silent"): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "quick-socket-"));
  const path = join(dir, "host.sock");
  const server = Bun.spawn([process.execPath, "-e", SERVER, path, behaviour], { stdout: "pipe", stderr: "inherit" });
  cleanups.push(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  // Ready when it says so (it listens before printing).
  const reader = server.stdout.getReader();
  let said = "";
  while (!said.includes("listening")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the test host ended before listening");
    said += new TextDecoder().decode(value);
  }
  return path;
}

const request = [{ type: FrameType.request, request: { op: "records" } }] as const;

describe.skipIf(process.platform !== "linux")("exchangeOnce (a blocking round trip through libc)", () => {
  test("returns the host's reply to the frames it wrote", async () => {
    expect(exchangeOnce(await hostThat("reply"), request, 5000)).toEqual({ kind: "reply", reply: { echoed: "records" } });
  });

  test("a host that closes without a reply is 'closed'", async () => {
    expect(exchangeOnce(await hostThat("close"), request, 5000)).toEqual({ kind: "closed" });
  });

  test("a host that never answers is 'timeout' once the time is up", async () => {
    expect(exchangeOnce(await hostThat("silent"), request, 200)).toEqual({ kind: "timeout" });
  });

  test("no socket there: 'unreachable' (the caller connects its own way to say why)", () => {
    expect(exchangeOnce(join(tmpdir(), `quick-socket-missing-${process.pid}.sock`), request, 200)).toEqual({ kind: "unreachable" });
  });
});
