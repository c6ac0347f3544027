import { errorMessage } from "../../domain/errors.ts";
import { lstatFacts, nodeFs, pathExists } from "../../shared/quick-fs.ts";
import { childPath } from "../../shared/quick-path.ts";
import type { HookEvent } from "../../domain/enrollment.ts";
import type { HookInboxPort, LogPort } from "../../domain/ports.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

const gone = (error: unknown) => (error as NodeJS.ErrnoException).code === "ENOENT";

/**
 * One file per event, created whole by rename: a writer never appends to a file a reader
 * is consuming, so no event is lost however many hooks and readers run at once.
 */
export function createHookInbox(dir: string, log?: Pick<LogPort, "warn">): HookInboxPort {
  return {
    put: (event) => {
      if (!lstatFacts(dir)?.isDirectory) nodeFs().mkdirSync(dir, { recursive: true, mode: 0o700 });
      const unique = `${Date.parse(event.at)}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
      // Its temp file ends in .tmp, so a reader (which takes *.json) never sees half an event.
      writeFileAtomically(childPath(dir, `${unique}.json`), JSON.stringify(event), 0o600);
    },
    take: () => {
      // Every listing asks: no inbox (no hook ever ran) is looked for, not thrown (a first stack trace costs ~3 ms).
      if (!pathExists(dir)) return { events: [], done: () => {} };
      let names: string[];
      try {
        names = nodeFs().readdirSync(dir).filter((n) => n.endsWith(".json"));
      } catch (error) {
        if (gone(error)) return { events: [], done: () => {} };
        throw error;
      }
      const events: HookEvent[] = [];
      const taken: string[] = [];
      for (const name of names) {
        const path = childPath(dir, name);
        try {
          events.push(JSON.parse(nodeFs().readFileSync(path, "utf8")) as HookEvent);
          taken.push(path);
        } catch (error) {
          if (gone(error)) continue; // another reader stored and removed it
          log?.warn(`ignoring unreadable hook event ${path}: ${errorMessage(error)}`);
          taken.push(path);
        }
      }
      const done = () => {
        for (const path of taken) {
          try {
            nodeFs().unlinkSync(path);
          } catch (error) {
            if (!gone(error)) throw error;
          }
        }
      };
      return { events, done };
    },
  };
}
