import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import type { JobLauncherPort, ProcessPort } from "../../domain/ports.ts";

/**
 * Starts `remote __job <id> --claim <token>` in its own session (setsid via detached),
 * so it outlives the conductor or delegate that launched it (a conductor killed with
 * SIGKILL leaves its runners running). stdout is discarded, stderr is the runner's log.
 */
export function createJobLauncher(options: { readonly selfCommand: readonly string[]; readonly process: ProcessPort }): JobLauncherPort {
  return {
    launch: (jobId, token, env, logPath) => {
      mkdirSync(dirname(logPath), { recursive: true, mode: 0o700 });
      const fd = openSync(logPath, "a", 0o600);
      try {
        const child = Bun.spawn([...options.selfCommand, "__job", jobId, "--claim", token], { env: { ...env }, stdin: "ignore", stdout: "ignore", stderr: fd, detached: true });
        child.unref();
        return options.process.identify(child.pid);
      } finally {
        closeSync(fd);
      }
    },
  };
}
