import { defineCommand } from "citty";
import { stripAnsi } from "../../../domain/ansi.ts";
import { parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import type { CliContext } from "../context.ts";
import { followOutput, sessionText } from "../../sessions/manage.ts";
import { routeSessionRef } from "../../remote/route.ts";
import { numberArg, refArg } from "./_shared.ts";
import { remoteArgs, where } from "./_remote.ts";

const LINES: NumericFlag = { kind: "integer", min: 1, max: 1_000_000, example: "50" };

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "logs", description: "Print a session's scrollback as text; --follow keeps printing new output." },
    args: {
      ref: refArg,
      follow: { type: "boolean", alias: "f", description: "Keep printing new output until the session exits" },
      lines: { ...numberArg("Only the last N lines", LINES), alias: "n" },
      raw: { type: "boolean", description: "With --follow: keep escape sequences" },
      ...remoteArgs,
    },
    run: async ({ args }) => {
      const lines = parseOptionalNumericFlag("--lines", args.lines, LINES);
      const deps = ctx.deps();
      const decoder = new TextDecoder();
      const print = (data: Uint8Array) => {
        const chunk = decoder.decode(data, { stream: true });
        deps.stdout(args.raw ? chunk : stripAnsi(chunk));
      };
      // Only reads: a name unknown here may be looked up on the configured remote (said on stderr).
      const route = routeSessionRef(deps, args, args.ref, { readOnly: true });
      if (route.kind === "remote") {
        // Loaded only for a remote session: local commands stay fast to start.
        const [{ createRemoteClient }, { followRemoteOutput }] = await Promise.all([import("../../remote/client.ts"), import("../../remote/sessions.ts")]);
        const client = createRemoteClient(route.target);
        if (route.fellBack) deps.stderr(`(not a local session: showing ${route.ref} from ${where(route.target.url)})\n`);
        const session = await client.get(route.ref);
        const { text, offset } = await client.logs(session.id, lines);
        if (text) deps.stdout(`${text}\n`);
        if (!args.follow || offset === undefined || session.state === "exited" || session.state === "failed" || session.state === "lost") return;
        await followRemoteOutput(deps, route.target, session.id, offset, print);
        return;
      }
      const { session, text, offset } = await sessionText(deps, route.ref, lines);
      if (text) deps.stdout(`${text}\n`);
      if (!args.follow || offset === undefined || !session.socketPath) return;
      await followOutput(deps, session.socketPath, offset, (data, isSnapshot) => {
        if (isSnapshot) return; // fell out of the window: the text above already covers the screen
        print(data);
      });
    },
  });
