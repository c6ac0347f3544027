/**
 * Rules of a reconnecting attach client (remote attach over WebSocket), pure so they
 * can be tested without sockets: how long to wait before the next try, which output
 * bytes of a frame are new, which typed inputs must be sent again after a reconnect.
 */

export const RECONNECT_BASE_MS = 100;
export const RECONNECT_CAP_MS = 5000;

/**
 * Wait before reconnect try number `attempt` (0 = first try after a drop): the window
 * doubles from `base` up to `cap`, and the wait is drawn from its upper half, so
 * clients dropped together spread out but never hammer the server with zero waits.
 * `random` is a draw in [0, 1] (clamped; NaN counts as 1).
 */
export function reconnectDelayMs(attempt: number, random: number, base = RECONNECT_BASE_MS, cap = RECONNECT_CAP_MS): number {
  const window = Math.min(cap, base * 2 ** Math.min(30, Math.max(0, attempt)));
  const r = Number.isNaN(random) ? 1 : Math.min(1, Math.max(0, random));
  return Math.round(window / 2 + (r * window) / 2);
}

export type OutputStep = {
  /** The bytes of the frame the client has not shown yet (empty when it is all a repeat). */
  readonly fresh: Uint8Array;
  /** Offset one past the last byte the client has now received. */
  readonly offset: number;
};

/**
 * Fold one output frame (absolute `frameOffset`) into what the client has received up
 * to `received`. The host resumes exactly at the asked offset, so overlap only happens
 * if a frame is delivered twice; a repeat is cut off rather than shown again. A frame
 * that starts past `received` (a gap) is taken as is: only a snapshot can repair a gap,
 * and the host sends one itself when the asked offset left its window.
 */
export function acceptOutput(received: number | undefined, frameOffset: number, data: Uint8Array): OutputStep {
  const end = frameOffset + data.length;
  if (received === undefined || frameOffset >= received) return { fresh: data, offset: end };
  if (end <= received) return { fresh: data.subarray(data.length), offset: received };
  return { fresh: data.subarray(received - frameOffset), offset: end };
}

export type PendingInput = { readonly seq: number; readonly data: Uint8Array };

/**
 * After a (re)connect the host says the highest input `lastSeq` it applied for our
 * clientId: everything at or below it is done; the rest must be sent again, in order.
 */
export function inputsToResend(pending: readonly PendingInput[], lastSeq: number): PendingInput[] {
  return pending.filter((p) => p.seq > lastSeq);
}

/**
 * Inputs kept for resend are bounded. Over `maxBytes`, the oldest go, down to half the
 * budget, so a long session without reconnects trims rarely instead of on every key.
 */
export function trimPending(pending: readonly PendingInput[], maxBytes: number): PendingInput[] {
  const total = pending.reduce((sum, p) => sum + p.data.length, 0);
  if (total <= maxBytes) return [...pending];
  let kept = 0;
  let keepFrom = pending.length;
  while (keepFrom > 0) {
    const size = (pending[keepFrom - 1] as PendingInput).data.length;
    if (kept + size > maxBytes / 2) break;
    kept += size;
    keepFrom--;
  }
  return pending.slice(keepFrom);
}

/** What a failed connect or a dropped connection means, from a look at the session over HTTP. */
export type SessionProbe =
  | { readonly kind: "running" }
  | { readonly kind: "exited"; readonly exitCode: number | null }
  /** The control plane knows the session but its host is gone. */
  | { readonly kind: "lost" }
  | { readonly kind: "unreachable" }
  | { readonly kind: "refused"; readonly code: string };

export type DropDecision =
  | { readonly kind: "retry" }
  | { readonly kind: "exited"; readonly exitCode: number | null }
  | { readonly kind: "lost" }
  | { readonly kind: "fail"; readonly code: string };

/** Before the first successful attach, a session that looks fine but will not attach is given up after this many tries. */
export const MAX_FIRST_ATTACH_TRIES = 5;

/**
 * Whether to keep trying after a connection ended without an exit frame. A server that
 * cannot be reached is retried once we have been attached (the network or the control
 * plane may come back); on the very first connect it is a failure, so a wrong URL does
 * not hang. A session that ended is final, and so is a refusal (bad token, unknown session).
 */
export function decideAfterDrop(probe: SessionProbe, everAttached: boolean, failedTries: number): DropDecision {
  switch (probe.kind) {
    case "running":
      return everAttached || failedTries < MAX_FIRST_ATTACH_TRIES ? { kind: "retry" } : { kind: "fail", code: "ATTACH_REFUSED" };
    case "exited":
      return { kind: "exited", exitCode: probe.exitCode };
    case "lost":
      return { kind: "lost" };
    case "unreachable":
      return everAttached ? { kind: "retry" } : { kind: "fail", code: "REMOTE_UNREACHABLE" };
    case "refused":
      return { kind: "fail", code: probe.code };
  }
}

export type WelcomeInputs = {
  /** What to send now, in order (and keep until a later welcome covers it). */
  readonly resend: PendingInput[];
  /** The highest seq in use: the next typed input gets one more. */
  readonly seq: number;
};

/**
 * What a welcome means for the queued inputs (`seq` is the highest number handed out so
 * far). On a reconnect the host's `lastSeq` covers what it applied from us: the rest goes
 * again. On the first welcome of an attach the host may already have applied inputs for
 * this clientId (an earlier attach with the same id, a page reload), none of them ours:
 * every queued input is new to it, so they are numbered after `lastSeq`, or the host
 * would drop them as repeats.
 */
export function inputsAfterWelcome(pending: readonly PendingInput[], seq: number, lastSeq: number, firstWelcome: boolean): WelcomeInputs {
  if (!firstWelcome) return { resend: inputsToResend(pending, lastSeq), seq };
  return { resend: pending.map((p, i) => ({ seq: lastSeq + i + 1, data: p.data })), seq: lastSeq + pending.length };
}

export type TerminalSize = { readonly cols: number; readonly rows: number };

/**
 * The hello carried the size at connect time; a resize before the welcome could not go
 * out (a connection sends nothing but its hello until welcomed), so it follows the welcome.
 * A read-only client never resizes the session.
 */
export function resizeAfterWelcome(helloSize: TerminalSize, size: TerminalSize, readOnly: boolean): TerminalSize | undefined {
  if (readOnly || (size.cols === helloSize.cols && size.rows === helloSize.rows)) return undefined;
  return size;
}

/**
 * One heartbeat tick on an attached connection, which answers an "info" request with a
 * reply. `heardAtPing` is how many messages had arrived when the last ping went out
 * (undefined: none outstanding), `heard` how many have now. A link that dies silently
 * (laptop sleep, Wi-Fi change) sends no close: silent for a whole period after a ping, it
 * is taken for dead and dropped; otherwise the next ping goes out.
 */
export function heartbeatVerdict(heardAtPing: number | undefined, heard: number): "ping" | "drop" {
  return heardAtPing !== undefined && heard === heardAtPing ? "drop" : "ping";
}
