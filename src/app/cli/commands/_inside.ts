import type { CliContext } from "../context.ts";
import { answerInside } from "../../targets/inside-wire.ts";

/** What a `remote __…` helper run through a session container's exec reads: its whole stdin. */
export const stdinBytes = async (): Promise<Uint8Array> => new Uint8Array(await new Response(Bun.stdin.stream()).arrayBuffer());

/** Runs a helper's work and prints its one-line answer for the control plane (inside-wire.ts); a failure exits 1. */
export async function answer(ctx: CliContext, work: () => Promise<unknown> | unknown): Promise<void> {
  if ((await answerInside(ctx.deps().stdout, work)) !== 0) ctx.setExitCode(1);
}
