/**
 * The answer of a `remote __…` helper run inside a session's container through the target's
 * exec: one JSON line on stdout, `{ok}` or `{error}` (a RemoteError's fields), so the control
 * plane gets the helper's own error back (a diverged conversation stays a conflict, not
 * "exec exited 1"). Both ends are here: `answerInside` in the helper, `execInside` here.
 */
import { errorMessage, isRemoteError, RemoteError, type ErrorKind } from "../../domain/errors.ts";
import { CONTAINER_BINARY, type TargetHandle } from "../../domain/target.ts";
import type { TargetPort, VolumeExec } from "../../domain/target-port.ts";

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

/** Runs `remote <argv>` somewhere (a session's container, a helper on its volumes) and answers its `ok` value, or throws its error again. */
/** A helper's input on its stdin: one JSON value. */
export const jsonInput = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

export type Inside = <T>(argv: readonly string[], stdin?: Uint8Array) => Promise<T>;

/** Inside a running session's container, through the target's exec. */
export const insideSession = (target: TargetPort, handle: TargetHandle): Inside => insideThrough((argv, stdin) => target.exec(handle, argv, stdin), handle.container);

/** Through any exec (`where` names it in an error). */
export function insideThrough(exec: VolumeExec, where: string): Inside {
  return async <T>(argv: readonly string[], stdin?: Uint8Array): Promise<T> => {
    const ran = await exec([CONTAINER_BINARY, ...argv], stdin);
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
      `Cannot run '${argv[0]}' in '${where}': ${ran.stderr.split("\n").slice(-3).join(" ") || `exec exited with code ${ran.code}`}`,
      "Check that the session is running (`remote ls`) and that its image carries this version of remote.",
      "unavailable",
    );
  };
}

/** On the control plane: runs `remote <argv>` in the session's container, `stdin` fed; its `ok` value, or its error thrown again. */
export const execInside = <T>(target: TargetPort, handle: TargetHandle, argv: readonly string[], stdin?: Uint8Array): Promise<T> => insideSession(target, handle)<T>(argv, stdin);
