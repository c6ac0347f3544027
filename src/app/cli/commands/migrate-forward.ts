import { defineCommand } from "citty";
import { resumeFromFlag } from "../argv.ts";
import type { CliContext } from "../context.ts";
import { migrateForward } from "../../migrate/forward.ts";
import { requireTerminal } from "../../sessions/attach.ts";
import { parseTargetName } from "../../../domain/target-name.ts";
import { exitCodeOf } from "./_shared.ts";
import { remoteArgs, where } from "./_remote.ts";
import { authArgs, authFlagsOf } from "./_auth.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "forward", description: "Push this folder, start <profile> on the control plane resuming the same conversation, attach. Run it again to carry on or reconnect." },
    args: {
      profile: { type: "positional", required: true, description: "claude, codex, gemini or opencode" },
      resume: { type: "string", alias: "r", description: "The conversation to move (default: the latest of this folder)" },
      target: { type: "string", description: "Where the control plane runs it: local, docker or kubernetes (default: its own)" },
      "no-attach": { type: "boolean", description: "Start it there and return; attach later with `remote attach <id> --remote URL`" },
      ...remoteArgs,
      ...authArgs,
    },
    run: async ({ args }) => {
      const target = args.target === undefined ? undefined : parseTargetName(args.target);
      const deps = ctx.deps();
      const noAttach = args["no-attach"] === true;
      if (!noAttach) requireTerminal(deps, undefined);
      const result = await migrateForward(deps, { profile: args.profile, resume: resumeFromFlag(args.resume) ?? true, target, remote: args.remote, insecure: args.insecure, noAttach, auth: authFlagsOf(args) });
      deps.stderr(`${args.profile} conversation ${result.conversationId} runs in session ${result.sessionId} on ${where(result.remote)} (workspace ${result.workspaceId})\n`);
      if (!result.attached) {
        deps.stdout(`${result.sessionId}\n`);
        deps.stderr(`attach with \`remote attach ${result.sessionId} --remote ${result.remote}\`; bring it back with \`remote migrate back\`\n`);
        return;
      }
      ctx.setExitCode(exitCodeOf(result.attached));
    },
  });
