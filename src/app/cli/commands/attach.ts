import { defineCommand } from "../define-command.ts";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { attachByName } from "../../sessions/attach-by-name.ts";
import { exitCodeOf, refArg } from "./_shared.ts";
import { remoteArgs } from "./_remote.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "attach", description: "Attach this terminal to a session (detach: Ctrl+P then Ctrl+Q)." },
    args: {
      ref: refArg,
      "read-only": { type: "boolean", description: "Watch only: keys and resizes are not sent" },
      pipe: { type: "boolean", description: "No terminal needed: stdin goes to the session unchanged, its output from now on to stdout; detaches at the end of stdin" },
      ...remoteArgs,
    },
    run: async ({ args }) => {
      const readOnly = args["read-only"] ?? false;
      if (args.pipe && readOnly) {
        throw new RemoteError("USAGE", "Cannot attach with --pipe and --read-only: a pipe sends its input", `To only watch the output: \`remote logs ${args.ref} --follow --raw\`.`, "usage");
      }
      const deps = ctx.deps();
      // A session hosted here, by name, in one round trip; anything else the usual way below.
      const quick = args.pipe || args.remote ? undefined : await attachByName(deps, args.ref, { readOnly });
      if (quick) return ctx.setExitCode(exitCodeOf(quick));
      // The usual way is loaded only now: attaching by name needs none of it.
      const [{ attachSession }, { routeSessionRef }] = await Promise.all([import("../../sessions/attach.ts"), import("../../remote/route.ts"), deps.readStoreFromHost?.()]);
      const route = routeSessionRef(deps, args, args.ref);
      if (args.pipe) {
        if (route.kind === "remote") throw new RemoteError("UNSUPPORTED", `Cannot attach '${args.ref}' with --pipe on a control plane yet`, "Use `remote send` to type into a remote session and `remote logs --follow` to read it.", "usage");
        const { attachPipe } = await import("../../sessions/attach-pipe.ts");
        ctx.setExitCode(exitCodeOf(await attachPipe(deps, route.session, { input: Bun.stdin.stream(), output: (data) => deps.terminal.write(data) })));
        return;
      }
      const outcome = route.kind === "remote" ? await (await import("../../remote/attach.ts")).attachRemoteSession(deps, route.target, route.ref, { readOnly }) : await attachSession(deps, route.session, { readOnly });
      ctx.setExitCode(exitCodeOf(outcome));
    },
  });
