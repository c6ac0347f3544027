import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { ProcessPort, SelfLauncherPort } from "../../domain/ports.ts";

/**
 * Starts `remote <args>` in its own session (setsid via detached), so it outlives the
 * delegate or runner that started it; stdin and stdout are closed, stderr is its log.
 */
export function createSelfLauncher(options: { readonly selfCommand: readonly string[]; readonly process: ProcessPort }): SelfLauncherPort {
  return {
    launch: (args, { env, cwd, logPath }) => {
      mkdirSync(dirname(logPath), { recursive: true, mode: 0o700 });
      const fd = openSync(logPath, "a", 0o600);
      try {
        const child = Bun.spawn([...options.selfCommand, ...args], { env: { ...env }, cwd, stdin: "ignore", stdout: "ignore", stderr: fd, detached: true });
        child.unref();
        return options.process.identify(child.pid);
      } finally {
        closeSync(fd);
      }
    },
  };
}
