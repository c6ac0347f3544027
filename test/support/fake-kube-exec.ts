/**
 * pods/exec over WebSocket, subprotocol v5.channel.k8s.io, as the kubelet speaks it: every
 * binary message starts with its channel byte (0 stdin, 1 stdout, 2 stderr, 3 status JSON,
 * 4 resize); v5 adds 255 <channel> to close one stream (kubectl sends 255 0 at stdin's end).
 * The process runs on the Pod's runtime (a local process or `podman exec -i`); when it ends,
 * its exit code goes out on channel 3 as a Status and the socket closes.
 */
import type { ServerWebSocket, WebSocketHandler } from "bun";
import { eachChunk, type ExecSpec } from "./fake-kube-pods.ts";

type Running = { proc: Bun.Subprocess<"pipe", "pipe", "pipe">; resizes: string[] };
export type ExecSocket = ServerWebSocket<{ spec: ExecSpec; running?: Running }>;

const frame = (channel: number, data: Uint8Array) => {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
};

/** The Status kubectl reads on channel 3: it exits with the code in details.causes. */
export function exitStatus(code: number) {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

export function openExec(): WebSocketHandler<ExecSocket["data"]> {
  return {
    open: (ws) => {
      const proc = Bun.spawn(ws.data.spec.argv, { ...(ws.data.spec.cwd ? { cwd: ws.data.spec.cwd } : {}), ...(ws.data.spec.env ? { env: ws.data.spec.env } : {}), stdin: "pipe", stdout: "pipe", stderr: "pipe" });
      ws.data.running = { proc, resizes: [] };
      // The kubelet's first frame: an empty one on the lowest output channel (connection up).
      ws.send(frame(1, new Uint8Array()));
      const pump = (stream: ReadableStream<Uint8Array>, channel: number) => eachChunk(stream, (chunk) => ws.send(frame(channel, chunk)));
      void Promise.all([pump(proc.stdout, 1), pump(proc.stderr, 2), proc.exited]).then(([, , code]) => {
        ws.send(frame(3, new TextEncoder().encode(JSON.stringify(exitStatus(code)))));
        ws.close(1000, "");
      });
    },
    message: (ws, message) => {
      const running = ws.data.running;
      if (!running || typeof message === "string" || message.length === 0) return;
      const channel = message[0];
      const data = message.subarray(1);
      if (channel === 0) {
        running.proc.stdin.write(data);
        running.proc.stdin.flush();
      } else if (channel === 255 && data[0] === 0) {
        running.proc.stdin.end();
      } else if (channel === 4) {
        running.resizes.push(new TextDecoder().decode(data));
      }
    },
    close: (ws) => {
      const proc = ws.data.running?.proc;
      if (proc && proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}
