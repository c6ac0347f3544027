/**
 * Example plugin: appends one JSON line per session event to a file.
 * Enable it in $REMOTE_HOME/config.toml:
 *   plugins = ["/path/to/plugins/session-log/index.ts"]
 *   [plugin.session-log]
 *   file = "/tmp/sessions.jsonl"     # default: $REMOTE_HOME/session-events.jsonl
 * It imports nothing from remote so it loads the same from source and from the binary.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";

type Session = { id: string; name: string; profile: string };
type Hooks = { hook: (name: string, handler: (event: { session: Session } & Record<string, unknown>) => void) => unknown };

export default {
  name: "session-log",
  setup(hooks: Hooks, context: { home: string; options: Record<string, unknown> }) {
    const file = typeof context.options.file === "string" ? context.options.file : join(context.home, "session-events.jsonl");
    for (const event of ["session:start", "session:attach", "session:detach", "session:exit"]) {
      hooks.hook(event, ({ session, ...rest }) => {
        const extra = Object.fromEntries(Object.entries(rest).filter(([k]) => k === "clients" || k === "exitCode" || k === "signal"));
        appendFileSync(file, `${JSON.stringify({ event, id: session.id, name: session.name, profile: session.profile, ...extra })}\n`);
      });
    }
  },
};
