import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Terminal } from "@xterm/headless";
import { createProcessAdapter } from "../../src/adapters/process/process-adapter.ts";
import { createSqliteSessionStore } from "../../src/adapters/store/sqlite-store.ts";
import type { SessionRecord } from "../../src/domain/session.ts";
import { insecureAncestor } from "../../src/domain/agent-state/hook-wiring.ts";

export const repoRoot = join(import.meta.dir, "..", "..");
export const mainTs = join(repoRoot, "src", "main.ts");
/** From source by default; REMOTE_TEST_BINARY=dist/remote runs the same tests against the compiled binary. */
export const remoteCommand = (): string[] => (process.env.REMOTE_TEST_BINARY ? [join(repoRoot, process.env.REMOTE_TEST_BINARY)] : [process.execPath, mainTs]);

/** Kill every session host (and its agent) recorded in a test's store, so no process outlives the test. */
export function killHosts(storePath: string) {
  if (!existsSync(storePath)) return;
  let sessions: SessionRecord[] = [];
  try {
    const store = createSqliteSessionStore({ path: storePath, busyTimeoutMs: 2000 });
    sessions = store.list();
    store.close();
  } catch {
    return; // a test that corrupts its store on purpose
  }
  const proc = createProcessAdapter();
  for (const s of sessions) {
    if (s.source === "run" && s.host && proc.isAlive(s.host)) proc.signal(s.host.pid, "SIGKILL");
    if (s.state !== "exited" && s.pid) proc.signal(s.pid, "SIGKILL", true);
  }
}

/**
 * A private REMOTE_HOME (and HOME) per test, removed at the end of the scope. `parent`
 * defaults to the system's temp dir; `secureParent()` is one no other user may write.
 */
export function tempHome(prefix = "remote-test-", parent = tmpdir()) {
  const dir = mkdtempSync(join(parent, prefix));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    REMOTE_HOME: join(dir, "remote"),
    SHELL: "/bin/bash",
    TERM: "xterm-256color",
    LANG: "C.UTF-8",
  };
  return {
    dir,
    env,
    [Symbol.dispose]: () => {
      killHosts(join(env.REMOTE_HOME as string, "remote.db"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A parent for temp homes whose every ancestor only its owner may write: Gemini CLI ignores a
 * settings file below a directory others (or the group) may write, as /tmp is. Tried in order:
 * under the repository, $XDG_RUNTIME_DIR, /run (root); undefined when none is (a clone under
 * /tmp, say): tests that need one skip with that reason.
 */
export function secureParent(): string | undefined {
  const candidates = [join(repoRoot, "node_modules", ".cache"), process.env.XDG_RUNTIME_DIR, "/run"].filter((d): d is string => d !== undefined && d !== "");
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch {
      continue;
    }
    if (insecureAncestor(join(dir, "x", "settings.json"), (d) => (existsSync(d) ? statSync(d).mode : undefined)) === undefined) return dir;
  }
  return undefined;
}
export const NO_SECURE_PARENT = "no directory here whose every ancestor only its owner may write (Gemini CLI skips a settings file under one)";

export type CliResult = { code: number; stdout: string; stderr: string };

export async function cli(env: Record<string, string>, args: string[], options: { stdin?: string; cwd?: string; command?: string[] } = {}): Promise<CliResult> {
  const proc = Bun.spawn([...(options.command ?? remoteCommand()), ...args], {
    env,
    cwd: options.cwd ?? repoRoot,
    stdin: options.stdin === undefined ? "ignore" : new TextEncoder().encode(options.stdin),
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/**
 * A person's terminal: runs a command in a real PTY and renders what it prints in a
 * headless xterm, so tests read the screen the person would see.
 */
export function ptyClient(env: Record<string, string>, args: string[], size = { cols: 80, rows: 24 }) {
  const screen = new Terminal({ cols: size.cols, rows: size.rows, allowProposedApi: true });
  let raw = "";
  const waiters: Array<() => void> = [];
  const proc = Bun.spawn(args, {
    env,
    cwd: repoRoot,
    detached: true,
    terminal: {
      cols: size.cols,
      rows: size.rows,
      data: (_t, data) => {
        raw += new TextDecoder().decode(data);
        screen.write(data, () => {
          for (const w of waiters.splice(0)) w();
        });
      },
    },
  });
  const text = () => {
    const lines: string[] = [];
    for (let i = 0; i < screen.rows; i++) lines.push(screen.buffer.active.getLine(screen.buffer.active.viewportY + i)?.translateToString(true) ?? "");
    return lines.join("\n");
  };
  /** Resolves once the rendered screen satisfies the predicate (re-checked on every output). */
  const waitFor = (predicate: (screenText: string, rawOutput: string) => boolean, what: string, timeoutMs = 15000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; screen:\n${text()}`)), timeoutMs);
      const check = () => {
        if (predicate(text(), raw)) {
          clearTimeout(timer);
          resolve(text());
        } else waiters.push(check);
      };
      check();
    });
  const type = (data: string) => proc.terminal?.write(data);
  return {
    proc,
    screen,
    text,
    raw: () => raw,
    waitFor,
    type,
    /**
     * Types `data` now and again every `everyMs` until the screen satisfies the predicate:
     * for what races a signal (SIGWINCH reaches the client apart from the keys typed after it).
     */
    typeUntil: async (data: string, predicate: (screenText: string, rawOutput: string) => boolean, what: string, everyMs = 500) => {
      const again = setInterval(() => type(data), everyMs);
      type(data);
      try {
        return await waitFor(predicate, what);
      } finally {
        clearInterval(again);
      }
    },
    resize: (cols: number, rows: number) => {
      proc.terminal?.resize(cols, rows);
      screen.resize(cols, rows);
    },
  };
}
