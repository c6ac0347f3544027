import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { OpencodeContext, OpencodeSessionsPort } from "../../domain/conversation/ports.ts";

type Run = { readonly exitCode: number; readonly stdout: string; readonly stderr: string };

/** opencode's own `export` / `import` / `session list`, argv arrays, HOME and cwd of the side it runs for. */
export function createOpencodeSessions(options: { readonly command?: string } = {}): OpencodeSessionsPort {
  const command = options.command ?? "opencode";
  const run = async (args: readonly string[], context: OpencodeContext): Promise<Run> => {
    let proc;
    try {
      proc = Bun.spawn([command, ...args], { cwd: context.cwd, env: { ...context.env, HOME: context.home }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    } catch {
      throw new RemoteError("CLI_NOT_FOUND", `Cannot run '${command}': it is not on PATH`, "Install opencode (npm i -g opencode-ai) on this side.", "unavailable");
    }
    const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { exitCode, stdout, stderr };
  };
  return {
    latest: async (context) => {
      const listed = await run(["session", "list", "--format", "json"], context);
      if (listed.exitCode !== 0) return undefined;
      try {
        const sessions = JSON.parse(listed.stdout) as { id?: unknown; directory?: unknown }[];
        const mine = sessions.filter((s) => s.directory === undefined || s.directory === context.cwd);
        return typeof mine[0]?.id === "string" ? mine[0].id : undefined;
      } catch {
        return undefined;
      }
    },
    exportSession: async (id, context) => {
      const exported = await run(["export", id], context);
      if (exported.exitCode !== 0) return undefined;
      // It prints a line about what it exports before the JSON on some versions.
      const start = exported.stdout.indexOf("{");
      return start < 0 ? undefined : exported.stdout.slice(start);
    },
    deleteSession: async (id, context) => {
      const deleted = await run(["session", "delete", id], context);
      if (deleted.exitCode !== 0) {
        throw new RemoteError("CONVERSATION_IMPORT_FAILED", `Cannot replace opencode session '${id}': opencode session delete exited ${deleted.exitCode}`, deleted.stderr.trim().split("\n").at(-1) ?? "Run opencode session delete by hand to see why.", "unavailable");
      }
    },
    importSession: async (json, context) => {
      const dir = mkdtempSync(join(tmpdir(), "remote-opencode-"));
      try {
        const file = join(dir, "session.json");
        writeFileSync(file, json, { mode: 0o600 });
        const imported = await run(["import", file], context);
        if (imported.exitCode !== 0) {
          throw new RemoteError("CONVERSATION_IMPORT_FAILED", `Cannot import the opencode session: opencode import exited ${imported.exitCode}`, imported.stderr.trim().split("\n").at(-1) ?? "Run opencode import by hand to see why.", "unavailable");
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
