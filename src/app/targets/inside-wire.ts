/**
 * The answer of a `remote __…` helper run inside a session's container through the target's
 * exec: one JSON line on stdout, `{ok}` or `{error}` (a RemoteError's fields), so the control
 * plane gets the helper's own error back (a diverged conversation stays a conflict, not
 * "exec exited 1"). Both ends are here: `answerInside` in the helper, `execInside` here.
 */
import { errorMessage, isRemoteError, RemoteError, type ErrorKind } from "../../domain/errors.ts";
import { CONTAINER_BINARY, type TargetHandle } from "../../domain/target.ts";
import type { TargetPort } from "../../domain/target-port.ts";

type Envelope = { readonly ok: unknown } | { readonly error: { readonly code: string; readonly message: string; readonly hint?: string | undefined; readonly kind: ErrorKind } };

/** In the helper: runs `work` and prints its envelope; the exit code says whether it worked. */
export async function answerInside(stdout: (text: string) => void, work: () => Promise<unknown> | unknown): Promise<number> {
  try {
    stdout(`${JSON.stringify({ ok: (await work()) ?? null } satisfies Envelope)}\n`);
    return 0;
  } catch (error) {
    const failure = isRemoteError(error) ? { code: error.code, message: error.message, hint: error.hint, kind: error.kind } : { code: "INSIDE_FAILED", message: errorMessage(error), kind: "internal" as const };
    stdout(`${JSON.stringify({ error: failure } satisfies Envelope)}\n`);
    return 1;
  }
}

/** On the control plane: runs `remote <argv>` in the session's container, `stdin` fed; its `ok` value, or its error thrown again. */
export async function execInside<T>(target: TargetPort, handle: TargetHandle, argv: readonly string[], stdin?: Uint8Array): Promise<T> {
  const ran = await target.exec(handle, [CONTAINER_BINARY, ...argv], stdin);
  const line = ran.stdout.trim().split("\n").pop() ?? "";
  let envelope: Envelope | undefined;
  try {
    envelope = JSON.parse(line) as Envelope;
  } catch {
    envelope = undefined;
  }
  if (envelope !== undefined && "ok" in envelope) return envelope.ok as T;
  if (envelope !== undefined && "error" in envelope) throw new RemoteError(envelope.error.code, envelope.error.message, envelope.error.hint, envelope.error.kind);
  throw new RemoteError(
    "SESSION_EXEC_FAILED",
    `Cannot run '${argv[0]}' in '${handle.container}': ${ran.stderr.split("\n").slice(-3).join(" ") || `exec exited with code ${ran.code}`}`,
    "Check that the session is running (`remote ls`) and that its image carries this version of remote.",
    "unavailable",
  );
}
