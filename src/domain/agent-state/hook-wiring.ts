/**
 * How a session's agent CLI is told to call our hook program, per profile, without
 * touching the person's own settings files:
 *  - claude: `--settings <json>` (extra settings for this run only) with our hooks;
 *  - gemini: a settings file of this session named by GEMINI_CLI_SYSTEM_SETTINGS_PATH
 *    (gemini's settings layer above the person's; hooks are on by default in 0.61);
 *  - codex: `-c notify=[...]` (called with one JSON argument at the end of each turn).
 * The hook program finds its session and proves it through the environment the agent
 * passes down (REMOTE_SESSION_ID, REMOTE_SIGNAL_TOKEN): nothing secret is in argv.
 */
import { shellQuote } from "../claude-settings.ts";

/** The variables the agent's hooks inherit: which session, and its secret. */
export const SIGNAL_TOKEN_ENV = "REMOTE_SIGNAL_TOKEN";
export const SIGNAL_SESSION_ENV = "REMOTE_SESSION_ID";
/** The session host's socket, where the hook program reports. */
export const SIGNAL_SOCKET_ENV = "REMOTE_SIGNAL_SOCKET";

export type SignalWiring = {
  /** Before the profile's own argv (claude: its options go anywhere; codex's subcommand must stay first). */
  readonly prependArgs: readonly string[];
  readonly appendArgs: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** A settings file to write (0600) before the agent starts. */
  readonly file?: { readonly path: string; readonly text: string } | undefined;
};

const CLAUDE_EVENTS = ["SessionStart", "UserPromptSubmit", "Stop", "Notification", "PostToolUse", "SessionEnd"];
const GEMINI_EVENTS = ["SessionStart", "BeforeAgent", "AfterAgent", "Notification", "AfterTool", "SessionEnd"];

/** `{hooks: {Event: [{matcher: "", hooks: [{type: "command", command}]}]}}`: the shape both Claude Code and Gemini CLI read. */
export function hookSettings(events: readonly string[], command: string, timeout: number): { hooks: Record<string, unknown[]> } {
  const entry = [{ matcher: "", hooks: [{ type: "command", command, timeout }] }];
  return { hooks: Object.fromEntries(events.map((event) => [event, entry])) };
}

/** The hook command a CLI runs through its shell: our binary, `__signal`, the source. */
export const signalCommand = (self: readonly string[], source: string) => [...self, "__signal", source].map(shellQuote).join(" ");

/**
 * What to add to a session's agent so its hooks report to us. `settingsPath` is where a
 * gemini session's settings file goes (its private session dir). Profiles without hooks
 * get nothing: output activity decides for them.
 */
export function signalWiring(profile: string, self: readonly string[], settingsPath: string): SignalWiring {
  const none = { prependArgs: [], appendArgs: [], env: {} };
  switch (profile) {
    case "claude":
      return { ...none, prependArgs: ["--settings", JSON.stringify(hookSettings(CLAUDE_EVENTS, signalCommand(self, "claude"), 5))] };
    case "gemini":
      return {
        ...none,
        env: { GEMINI_CLI_SYSTEM_SETTINGS_PATH: settingsPath },
        // Gemini's hook timeout is in milliseconds (Claude's in seconds); its "running hook" banner would flash on every turn.
        file: { path: settingsPath, text: `${JSON.stringify({ ...hookSettings(GEMINI_EVENTS, signalCommand(self, "gemini"), 5000), hooksConfig: { notifications: false } }, null, 2)}\n` },
      };
    case "codex":
      // TOML inline array of strings; JSON string quoting is valid TOML basic-string quoting.
      return { ...none, appendArgs: ["-c", `notify=[${[...self, "__signal", "codex"].map((w) => JSON.stringify(w)).join(",")}]`] };
    default:
      return none;
  }
}

/**
 * Gemini CLI skips a system settings file (with a warning on the person's screen) when any
 * directory above it is writable by group or others, sticky /tmp included. Returns the
 * first such directory of `path`'s ancestors, or undefined when the file would be read.
 * `modeOf` gives a directory's mode (undefined: it does not exist, which says nothing).
 */
export function insecureAncestor(path: string, modeOf: (dir: string) => number | undefined): string | undefined {
  const parts = path.split("/").filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    const dir = `/${parts.slice(0, i).join("/")}`;
    const mode = modeOf(dir);
    if (mode !== undefined && (mode & 0o022) !== 0) return dir;
  }
  return undefined;
}
