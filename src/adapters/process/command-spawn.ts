import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import type { CommandSpawnPort } from "../../domain/ports.ts";

/**
 * Runs a headless agent CLI: an argv array (the task is one element, no shell), stdin
 * closed, stdout and stderr appended to one file (codex prints its errors on stderr),
 * in its own process group so cancel can signal the agent and everything it started.
 */
export function createCommandSpawn(): CommandSpawnPort {
  return {
    spawn: ({ command, args, cwd, env, outputPath }) => {
      mkdirSync(dirname(outputPath), { recursive: true, mode: 0o700 });
      const fd = openSync(outputPath, "a", 0o600);
      let child;
      try {
        child = Bun.spawn([command, ...args], { cwd, env: { ...env }, stdin: "ignore", stdout: fd, stderr: fd, detached: true });
      } catch (error) {
        const why = errorMessage(error);
        throw new RemoteError("SPAWN_FAILED", `Cannot run '${command}' in '${cwd}': ${why}`, `Check that ${command} is installed and on PATH.`, "unavailable");
      } finally {
        closeSync(fd);
      }
      const proc = child;
      return {
        pid: proc.pid,
        exited: proc.exited.then((code) => {
          const signal = proc.signalCode;
          return { exitCode: signal ? null : code, signal: signal === null || signal === undefined ? null : String(signal) };
        }),
      };
    },
  };
}
