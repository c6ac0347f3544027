/**
 * `remote __signal <claude|gemini|codex> [payload]`: the hook program the agent CLIs call
 * (hook-wiring.ts). It reads what the CLI passes (claude and gemini: JSON on stdin; codex:
 * one JSON argument), stamps the time, and hands it with its session's token to its
 * session's host, which decides (agent-tracker.ts). It must never slow the agent down or
 * show up in it: whatever happens it exits 0 within a second; problems go to stderr.
 * Entered straight from main.ts: no CLI table, no deps, no store.
 */
import { readStdin } from "../../shared/read-stdin.ts";
import { SIGNAL_SOCKET_ENV, SIGNAL_TOKEN_ENV } from "../../domain/agent-state/hook-wiring.ts";
import type { HostRequest } from "../../domain/host-protocol.ts";

const DEADLINE_MS = 900;
const STDIN_WAIT_MS = 500;

export async function runSignalHook(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  io: { readonly now: () => Date; readonly send: (socketPath: string, request: HostRequest) => Promise<unknown>; readonly warn: (text: string) => Promise<unknown> },
): Promise<0> {
  const at = io.now().toISOString();
  const watchdog = setTimeout(() => process.exit(0), DEADLINE_MS);
  watchdog.unref();
  try {
    const [source, argument] = args;
    const socket = env[SIGNAL_SOCKET_ENV];
    const token = env[SIGNAL_TOKEN_ENV];
    // Outside a remote session (the person's own claude with our settings copied): nothing to tell.
    if (source === undefined || socket === undefined || token === undefined) return 0;
    const payload = source === "codex" ? (argument ?? "") : await readStdin(STDIN_WAIT_MS);
    const reply = (await io.send(socket, { op: "signal", token, source, payload, at })) as { error?: string } | null;
    if (reply?.error) await io.warn(`remote: the session did not take the ${source} signal: ${reply.error}\n`);
  } catch (error) {
    await io.warn(`remote: could not signal the session: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    clearTimeout(watchdog);
  }
  return 0;
}
