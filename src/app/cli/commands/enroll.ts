import { readStdin } from "../../../shared/read-stdin.ts";
import { defineCommand } from "../define-command.ts";
import { HOOK_KINDS, type HookKind } from "../../../domain/claude-settings.ts";
import { RemoteError, errorMessage } from "../../../domain/errors.ts";
import { defaultClaudeSettings, installClaudeHooks, recordHookEvent, uninstallClaudeHooks } from "../../sessions/enroll.ts";
import { json, type CliContext } from "../context.ts";
import { jsonArg } from "./_shared.ts";

/** A hook must never hold Claude up: whatever happens, we are gone well within a second of starting. */
const HOOK_DEADLINE_MS = 900;
const STDIN_WAIT_MS = 500;

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "enroll", description: "List Claude Code sessions started outside remote, through Claude Code's hooks." },
    args: {
      "install-hooks": { type: "boolean", description: "Add remote's SessionStart/SessionEnd hooks to Claude Code's settings (idempotent)" },
      "uninstall-hooks": { type: "boolean", description: "Remove remote's hooks from Claude Code's settings (others untouched)" },
      settings: { type: "string", description: "Claude Code settings file (default $CLAUDE_CONFIG_DIR or ~/.claude, settings.json)" },
      hook: { type: "string", description: "Run as the hook itself: claude-start or claude-end (reads the hook JSON on stdin)" },
      json: jsonArg,
    },
    run: async ({ args }) => {
      if (args.hook !== undefined) return runHook(ctx, args.hook);
      const deps = ctx.deps();
      if (args["install-hooks"] === args["uninstall-hooks"]) {
        throw new RemoteError("USAGE", "Cannot enroll: say --install-hooks or --uninstall-hooks (or --hook for Claude Code itself)", "Run `remote enroll --install-hooks` once; Claude Code then reports its sessions.", "usage");
      }
      const path = args.settings ?? defaultClaudeSettings(deps.env);
      const result = args["install-hooks"] ? installClaudeHooks(deps, path) : uninstallClaudeHooks(path);
      if (args.json) return deps.stdout(json({ settings: result.path, changed: result.changed, backup: result.backup ?? null }));
      const what = args["install-hooks"] ? (result.changed ? "installed remote's hooks in" : "hooks already installed in") : result.changed ? "removed remote's hooks from" : "no remote hooks in";
      deps.stdout(`${what} ${result.path}${result.backup ? ` (backup: ${result.backup})` : ""}\n`);
    },
  });

/** Always exit 0: a failing hook would show up in the person's Claude session. Errors go to stderr only. */
async function runHook(ctx: CliContext, kind: string): Promise<void> {
  // Counted from here, not from process start: a machine so busy that starting took long
  // must not also cost the event (the stdin wait below is what could really hang).
  const watchdog = setTimeout(() => {
    process.stderr.write("remote: enroll hook gave up (took too long)\n");
    process.exit(0);
  }, HOOK_DEADLINE_MS);
  watchdog.unref();
  try {
    if (!HOOK_KINDS.includes(kind as HookKind)) {
      throw new RemoteError("UNKNOWN_HOOK", `Cannot run hook '${kind}': remote knows ${HOOK_KINDS.join(", ")}`, "Reinstall with `remote enroll --install-hooks`.", "usage");
    }
    const stdin = await readStdin(STDIN_WAIT_MS);
    recordHookEvent(ctx.deps(), kind as HookKind, stdin);
  } catch (error) {
    const message = errorMessage(error);
    process.stderr.write(`remote: ${message}\n`);
  } finally {
    clearTimeout(watchdog);
    ctx.setExitCode(0);
  }
}
