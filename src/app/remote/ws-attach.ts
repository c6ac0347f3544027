/**
 * `remote attach --remote`'s end of a session's terminal over the control plane's
 * WebSocket: Bun's WebSocket with the token in an Authorization header, the reconnecting
 * link of ./attach-link.ts (the browser view runs the same one), a heartbeat for links that
 * die silently, and the outcome as a promise. The person is told "reconnecting" once per
 * drop and "reconnected" once back.
 */
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import type { Welcome } from "../../domain/host-protocol.ts";
import { heartbeatVerdict, type SessionProbe } from "../../domain/reconnect.ts";
import type { AttachOutcome } from "../sessions/attach-terminal.ts";
import { openAttachLink, timerScheduler, type AttachLink, type AttachLinkOptions, type Scheduler, type SocketLike } from "./attach-link.ts";
import type { RemoteClient } from "./client.ts";

export type { SocketLike } from "./attach-link.ts";
export type OpenSocket = (url: string, headers: Record<string, string>) => SocketLike;

/** Bun's client takes headers (browsers cannot); typed by hand since DOM typings, when loaded, hide that overload. */
const BunWebSocket = WebSocket as unknown as new (url: string, options: { headers: Record<string, string> }) => SocketLike;
const openBunSocket: OpenSocket = (url, headers) => new BunWebSocket(url, { headers });

export type RemoteAttachOptions = Pick<AttachLinkOptions, "clientId" | "size" | "readOnly" | "fromOffset" | "everyByte" | "random" | "backoff" | "maxPendingBytes"> & {
  readonly client: RemoteClient;
  readonly token: string | undefined;
  /** Session id (preferred: names can change while we are away) or name. */
  readonly ref: string;
  readonly onOutput: (data: Uint8Array, kind: "snapshot" | "output" | "notice") => void;
  readonly onStatus?: ((status: "reconnecting" | "reconnected") => void) | undefined;
  readonly onWelcome?: ((welcome: Welcome) => void) | undefined;
  readonly openSocket?: OpenSocket | undefined;
  /**
   * A link that dies silently (laptop sleep, Wi-Fi change) sends no close: every this many
   * ms an "info" request goes out, and a connection that stayed silent for a whole period
   * after one is dropped and reconnected. 0 turns it off. @default 15000
   */
  readonly heartbeatMs?: number | undefined;
  /** A connect that has no welcome after this long is abandoned (and counted as a failed try). @default 10000 */
  readonly connectTimeoutMs?: number | undefined;
  /** Test seam: the timers behind backoff, connect timeout and heartbeat. */
  readonly scheduler?: Scheduler | undefined;
};

export type RemoteAttach = Pick<AttachLink, "sendInput" | "resize" | "offset"> & {
  /** Ends the attach on purpose (the session keeps running). */
  readonly detach: () => void;
  /** How many times the connection was re-established after a drop. */
  readonly reconnects: () => number;
  /** The outcome once the session exits or we detach; rejects with a RemoteError when the attach is refused for good. */
  readonly done: Promise<AttachOutcome>;
};

/** Ask the control plane over HTTP what became of the session: tells a dead server from an ended session. */
async function probeSession(client: RemoteClient, ref: string): Promise<{ probe: SessionProbe; error?: RemoteError }> {
  try {
    const s = await client.get(ref);
    if (s.state === "exited" || s.state === "failed") return { probe: { kind: "exited", exitCode: s.exitCode ?? null } };
    if (s.state === "lost") return { probe: { kind: "lost" } };
    return { probe: { kind: "running" } };
  } catch (error) {
    const remote = error instanceof RemoteError ? error : new RemoteError("REMOTE_UNREACHABLE", errorMessage(error), undefined, "unavailable");
    if (remote.kind === "unavailable") return { probe: { kind: "unreachable" }, error: remote };
    return { probe: { kind: "refused", code: remote.code }, error: remote };
  }
}

/**
 * Every `periodMs` while attached a ping goes out; a connection that stayed silent for a
 * whole period after one is abandoned, and so reconnected. Returns the function that stops it.
 */
function keepAlive(link: AttachLink, periodMs: number, scheduler: Scheduler): () => void {
  let heardAtPing: number | undefined;
  let cancel = scheduler.after(periodMs, tick);
  function tick() {
    cancel = scheduler.after(periodMs, tick);
    if (!link.attached()) return;
    if (heartbeatVerdict(heardAtPing, link.heard()) === "drop") {
      heardAtPing = undefined;
      return link.abandon();
    }
    heardAtPing = link.heard();
    link.ping();
  }
  return () => cancel();
}

export function openRemoteAttach(options: RemoteAttachOptions): RemoteAttach {
  const openSocket = options.openSocket ?? openBunSocket;
  const scheduler = options.scheduler ?? timerScheduler;
  const headers: Record<string, string> = options.token ? { authorization: `Bearer ${options.token}` } : {};
  let ref = options.ref;
  /** The error behind the last probe, told as is when the link gives up. */
  let probeError: RemoteError | undefined;
  let reconnects = 0;
  let finished = false;
  let stopHeartbeat = () => {};

  let resolveDone!: (outcome: AttachOutcome) => void;
  let rejectDone!: (error: RemoteError) => void;
  const done = new Promise<AttachOutcome>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const finish = (outcome: AttachOutcome | RemoteError) => {
    if (finished) return;
    finished = true;
    stopHeartbeat();
    if (outcome instanceof RemoteError) rejectDone(outcome);
    else resolveDone(outcome);
  };

  const link = openAttachLink({
    open: () => openSocket(options.client.attachUrl(ref), headers),
    clientId: options.clientId,
    size: options.size,
    readOnly: options.readOnly,
    fromOffset: options.fromOffset,
    everyByte: options.everyByte,
    probe: async () => {
      const { probe, error } = await probeSession(options.client, ref);
      probeError = error;
      return probe;
    },
    scheduler,
    random: options.random,
    backoff: options.backoff,
    maxPendingBytes: options.maxPendingBytes,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    onData: options.onOutput,
    onEvent: (event) => {
      switch (event.kind) {
        case "attached":
          ref = event.welcome.id;
          options.onWelcome?.(event.welcome);
          if (event.reconnected) {
            reconnects++;
            options.onStatus?.("reconnected");
          }
          return;
        case "dropped":
          return options.onStatus?.("reconnecting");
        case "reconnecting":
          return;
        case "exited":
          return finish({ kind: "exited", ...event.exit });
        case "lost":
          return finish({ kind: "lost" });
        case "failed":
          return finish(
            probeError ??
              new RemoteError(event.code, `Cannot attach to session '${ref}' on ${options.client.url}: the WebSocket upgrade keeps failing`, "Check that nothing between here and the control plane blocks WebSocket upgrades.", "unavailable"),
          );
        case "unopenable":
          return finish(new RemoteError("ATTACH_FAILED", `Cannot open a WebSocket to ${options.client.url}: ${errorMessage(event.error)}`, "Check the remote URL (`remote config get remote`).", "unavailable"));
      }
    },
  });
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  if (heartbeatMs > 0 && !finished) stopHeartbeat = keepAlive(link, heartbeatMs, scheduler);

  return {
    sendInput: (data) => link.sendInput(data),
    resize: (cols, rows) => link.resize(cols, rows),
    detach: () => {
      link.close();
      finish({ kind: "detached" });
    },
    offset: () => link.offset(),
    reconnects: () => reconnects,
    done,
  };
}
