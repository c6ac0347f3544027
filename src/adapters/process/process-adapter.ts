import type { ProcessPort } from "../../domain/ports.ts";
import type { ProcessIdentity } from "../../domain/session.ts";
import { readTextIfThere } from "../../shared/quick-fs.ts";

/** The file's text, or undefined when it is not there (not thrown: `ls` asks about gone pids, and a first stack trace costs ~3 ms). */
const readText = readTextIfThere;

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot). The comm field may hold spaces or ')'. */
export function parseProcStartTime(stat: string): string | undefined {
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(" ");
  return fields[19];
}

/** Field 3 of /proc/<pid>/stat: R, S, D, ... and Z (zombie) or X (dead): exited, waiting to be reaped. */
export function parseProcState(stat: string): string | undefined {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
}

export function parseProcParentPid(stat: string): number | undefined {
  const close = stat.lastIndexOf(")");
  const ppid = Number(stat.slice(close + 2).split(" ")[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** Field 2 of /proc/<pid>/stat: the command name, between the first '(' and the last ')'. */
export function parseProcName(stat: string): string {
  return stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
}

export type ProcessAdapterOptions = {
  /** @default "/proc" */
  readonly procRoot?: string;
};

export function createProcessAdapter(options: ProcessAdapterOptions = {}): ProcessPort {
  const proc = options.procRoot ?? "/proc";
  // The boot id makes identities from before a reboot never match after it (read on first use).
  let boot: string | undefined;
  const bootId = () => (boot ??= (readText(`${proc}/sys/kernel/random/boot_id`) ?? "noboot").trim());
  // With /proc, a pid without /proc/<pid>/stat is gone: only without /proc is ps asked (a process each time).
  let hasProc: boolean | undefined;
  const procAvailable = () => (hasProc ??= readText(`${proc}/self/stat`) !== undefined);

  /** The identity of `pid`, and its /proc stat when there is one (isAlive reads its state from the same read). */
  const identifyWithStat = (pid: number): { identity: ProcessIdentity | undefined; stat?: string } => {
    if (!Number.isInteger(pid) || pid <= 0) return { identity: undefined };
    const stat = readText(`${proc}/${pid}/stat`);
    if (stat !== undefined) {
      const start = parseProcStartTime(stat);
      return { identity: start === undefined ? undefined : { pid, startTime: `${bootId()}:${start}` }, stat };
    }
    return { identity: identifyWithoutProc(pid) };
  };

  const identifyWithoutProc = (pid: number): ProcessIdentity | undefined => {
    if (procAvailable()) return undefined;
    // Not Linux (or no /proc): ask ps for the start time.
    const ps = Bun.spawnSync(["ps", "-o", "lstart=", "-p", String(pid)], { stdout: "pipe", stderr: "ignore" });
    const out = ps.stdout.toString().trim();
    return ps.exitCode === 0 && out ? { pid, startTime: `ps:${out}` } : undefined;
  };

  return {
    identify: (pid) => identifyWithStat(pid).identity,
    isAlive: (who) => {
      const { identity, stat } = identifyWithStat(who.pid);
      if (identity === undefined || identity.startTime !== who.startTime) return false;
      // A zombie has exited: it only waits for its parent (or init) to reap it.
      const state = stat === undefined ? undefined : parseProcState(stat);
      return state !== "Z" && state !== "X";
    },
    which: (command, path) => Bun.which(command, path === undefined ? {} : { PATH: path }) ?? undefined,
    ancestors: () => {
      const chain: { pid: number; name: string }[] = [];
      let pid = process.ppid;
      while (pid > 1 && chain.length < 64) {
        const stat = readText(`${proc}/${pid}/stat`);
        if (stat === undefined) break;
        chain.push({ pid, name: parseProcName(stat) });
        pid = parseProcParentPid(stat) ?? 0;
      }
      return chain;
    },
    signal: (pid, signal, group = false) => {
      try {
        process.kill(group ? -pid : pid, signal);
        return true;
      } catch {
        return false;
      }
    },
  };
}
