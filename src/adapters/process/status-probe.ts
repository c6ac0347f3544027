import type { StatusProbePort } from "../../domain/ports.ts";

/** Enough for claude's JSON; the rest is dropped (it is never shown anyway). */
const MAX_STDOUT = 64 * 1024;

/**
 * Runs a CLI's status command: argv array, stdin closed, stderr discarded, stdout kept in
 * memory for the verdict only. Past the deadline the whole process group is killed.
 */
export function createStatusProbe(): StatusProbePort {
  return {
    run: async (argv, { env, timeoutMs }) => {
      let proc;
      try {
        proc = Bun.spawn([...argv], { env: { ...env }, stdin: "ignore", stdout: "pipe", stderr: "ignore", detached: true });
      } catch {
        return { kind: "not-found" };
      }
      const child = proc;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
      const finished = Promise.all([new Response(child.stdout).text(), child.exited]);
      const first = await Promise.race([finished, deadline]).finally(() => clearTimeout(timer));
      if (first === "timeout") {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
        return { kind: "timeout", timeoutMs };
      }
      const [stdout, exitCode] = first;
      return { kind: "exited", exitCode, stdout: stdout.slice(0, MAX_STDOUT) };
    },
  };
}
