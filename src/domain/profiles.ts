/**
 * Agent CLI profiles (SPEC §2): which binary a profile runs and the argv for each way
 * of launching it. Pure: the environment arrives as an argument. Every builder returns
 * an argv array; a task, model or session id is always its own element, never spliced
 * into a shell string.
 *
 * argv order, for every profile and mode:
 *   [mode args (resume / one-shot / continue, with the task where the CLI wants it),
 *    model flags, effort flags, extraArgs]
 * Mode args come first because codex's `resume --last` / `exec` are subcommands that
 * must lead; extraArgs come last so a variadic flag among them cannot swallow the task.
 */
import { RemoteError } from "./errors.ts";

export type CliProfile = "shell" | "claude" | "codex" | "gemini" | "opencode" | "agy" | "mistral";

export const CLI_PROFILES: readonly CliProfile[] = Object.freeze([
  "shell", "claude", "codex", "gemini", "opencode", "agy", "mistral",
] as const);

/** Other names people type for a profile. Keys are lower-case. */
export const PROFILE_ALIASES: Readonly<Record<string, CliProfile>> = Object.freeze({
  bash: "shell",
  "claude-code": "claude",
  "codex-cli": "codex",
  "openai-codex": "codex",
  "gemini-cli": "gemini",
  "opencode-ai": "opencode",
  "open-code": "opencode",
  antigravity: "agy",
  vibe: "mistral",
  "mistral-vibe": "mistral",
});

export type ProfileConfig = { readonly profile: CliProfile; readonly command: string; readonly args: readonly string[] };
export type ProfileEnv = { readonly SHELL?: string | undefined };
export type LaunchOptions = {
  readonly resume?: string | true | undefined;
  readonly model?: string | undefined;
  readonly effort?: string | undefined;
  readonly extraArgs?: readonly string[] | undefined;
};

type Argv = readonly string[];
type Capability = "resume" | "headless" | "continue" | "model" | "effort";

type ProfileSpec = {
  readonly binary: (env: ProfileEnv) => string;
  readonly resumeLatest?: Argv;
  readonly resumeId?: (id: string) => Argv;
  readonly headless?: (task: string) => Argv;
  readonly continueAfterThrottle?: (task: string) => Argv;
  /**
   * What to type into the CLI's still-open TUI after a throttle (then Enter): the agent
   * picks the conversation up where the rate limit stopped it, in the same session.
   */
  readonly continuePrompt?: string;
  readonly model?: (model: string) => Argv;
  /** A model shape the CLI insists on (opencode: provider/model). */
  readonly modelShape?: { readonly valid: (model: string) => boolean; readonly want: string; readonly example: string };
  /**
   * levels undefined = any value the CLI's provider accepts (opencode variants differ per provider).
   * oneShotOnly: only the one-shot form takes the flag (opencode: `run --variant`; its TUI has none).
   */
  readonly effort?: { readonly levels?: readonly string[]; readonly flag: (level: string) => Argv; readonly oneShotOnly?: true };
  /** A better hint than the generic one when a capability is missing. */
  readonly hints?: Partial<Record<Capability, string>>;
};

const binary = (name: string) => () => name;

/** Typed into a rate-limited agent TUI to go on; every chat TUI takes it as a prompt. */
const CONTINUE_PROMPT = "continue";
/** Enter in a terminal in raw mode. */
const ENTER = "\r";

const PROFILES: Readonly<Record<CliProfile, ProfileSpec>> = {
  shell: {
    binary: (env) => env.SHELL?.trim() || "/bin/bash",
    // extraArgs follow `-c <cmd>`, so the shell sees them as $0, $1, ... of <cmd>.
    headless: (task) => ["-c", task],
  },
  claude: {
    binary: binary("claude"),
    resumeLatest: ["--continue"],
    // Never a bare `--resume`: claude opens an interactive picker for it.
    resumeId: (id) => ["--resume", id],
    headless: (task) => ["-p", task],
    continueAfterThrottle: (task) => ["-p", "--continue", task],
    continuePrompt: CONTINUE_PROMPT,
    model: (model) => ["--model", model],
    effort: { levels: ["low", "medium", "high", "xhigh", "max"], flag: (level) => ["--effort", level] },
  },
  codex: {
    binary: binary("codex"),
    resumeLatest: ["resume", "--last"],
    resumeId: (id) => ["resume", id],
    headless: (task) => ["exec", task],
    continueAfterThrottle: (task) => ["exec", "resume", "--last", task],
    continuePrompt: CONTINUE_PROMPT,
    // `-m` and `-c` are clap `global` args in codex, so they parse after `resume`/`exec`.
    model: (model) => ["-m", model],
    effort: {
      levels: ["minimal", "low", "medium", "high", "xhigh"],
      flag: (level) => ["-c", `model_reasoning_effort=${level}`],
    },
  },
  gemini: {
    binary: binary("gemini"),
    resumeLatest: ["--resume", "latest"],
    resumeId: (id) => ["--resume", id],
    headless: (task) => ["-p", task],
    continueAfterThrottle: (task) => ["-p", task, "--resume", "latest"],
    continuePrompt: CONTINUE_PROMPT,
    model: (model) => ["-m", model],
  },
  opencode: {
    binary: binary("opencode"),
    resumeLatest: ["--continue"],
    resumeId: (id) => ["--session", id],
    headless: (task) => ["run", task],
    continueAfterThrottle: (task) => ["run", "--continue", task],
    continuePrompt: CONTINUE_PROMPT,
    model: (model) => ["-m", model],
    modelShape: { valid: (m) => /^[^/]+\/.+$/.test(m), want: "<provider>/<model>", example: "anthropic/claude-sonnet-4-5" },
    effort: { flag: (level) => ["--variant", level], oneShotOnly: true },
  },
  agy: {
    binary: binary("agy"),
    resumeLatest: ["--continue"],
    resumeId: (id) => ["--resume", id],
    // No one-shot continue, but its TUI takes the prompt like any chat.
    continuePrompt: CONTINUE_PROMPT,
  },
  // Mistral Vibe, read off mistralai/mistral-vibe vibe/cli/entrypoint.py (argparse, commit
  // 63d9d908) and vibe/cli/cli.py `_session_intent` (-p honours -c / --resume <id>).
  // The `mistral` binary is Mistral's unrelated Studio CLI, so the binary is `vibe`.
  mistral: {
    binary: binary("vibe"),
    resumeLatest: ["--continue"],
    // A bare `--resume` opens vibe's session picker too: always pass the id.
    resumeId: (id) => ["--resume", id],
    headless: (task) => ["--prompt", task],
    continueAfterThrottle: (task) => ["--prompt", task, "--continue"],
    continuePrompt: CONTINUE_PROMPT,
    hints: {
      model: "Vibe has no --model flag: set active_model in ~/.vibe/config.toml (or VIBE_ACTIVE_MODEL in the session's environment) and drop --model.",
    },
  },
};

/** How to get each CLI (the npm packages are the ones SPEC §2 names). */
const INSTALL_HINTS: Readonly<Record<CliProfile, string>> = {
  shell: "Set SHELL to an installed shell, or install bash.",
  claude: "Install Claude Code: `npm install -g @anthropic-ai/claude-code`, then `claude` once to log in.",
  codex: "Install Codex CLI: `npm install -g @openai/codex`, then `codex login`.",
  gemini: "Install Gemini CLI: `npm install -g @google/gemini-cli`.",
  opencode: "Install opencode: `npm install -g opencode-ai`.",
  agy: "Install Google Antigravity, which provides the `agy` command, and put it on PATH.",
  mistral: "Install Mistral Vibe, which provides the `vibe` command (`uv tool install mistral-vibe`), and put it on PATH.",
};

/** A profile's CLI is not installed where the session would run. */
export const cliNotFound = (profile: CliProfile, command: string) =>
  new RemoteError("CLI_NOT_FOUND", `Cannot start ${profile}: '${command}' is not on PATH`, INSTALL_HINTS[profile], "unavailable");

const usage = (code: string, message: string, hint: string) => new RemoteError(code, message, hint, "usage");

const profilesWith = (has: (spec: ProfileSpec) => boolean) => CLI_PROFILES.filter((p) => has(PROFILES[p])).join(", ");

export function isCliProfile(value: string): value is CliProfile {
  return (CLI_PROFILES as readonly string[]).includes(value);
}

/** Case-insensitive, trimmed, aliases resolved; undefined when the name is unknown. */
export function coerceCliProfileName(value: string): CliProfile | undefined {
  const key = value.trim().toLowerCase();
  if (isCliProfile(key)) return key;
  return Object.hasOwn(PROFILE_ALIASES, key) ? PROFILE_ALIASES[key] : undefined;
}

export function resolveProfile(name: string, env: ProfileEnv = {}): ProfileConfig {
  const profile = coerceCliProfileName(name);
  if (profile === undefined) {
    const aliases = Object.entries(PROFILE_ALIASES).map(([alias, target]) => `${alias}→${target}`).join(", ");
    throw usage(
      "UNKNOWN_PROFILE",
      `Cannot resolve profile '${name}': not a known profile (known: ${CLI_PROFILES.join(", ")}; aliases: ${aliases})`,
      `Use one of ${CLI_PROFILES.join(", ")}, e.g. \`remote run claude\`.`,
    );
  }
  return { profile, command: PROFILES[profile].binary(env), args: [] };
}

function unsupported(profile: CliProfile, capability: Capability, message: string, fallback: string): RemoteError {
  return usage("UNSUPPORTED", message, PROFILES[profile].hints?.[capability] ?? fallback);
}

/** A value that starts with "-" would be read by the CLI as a flag (and `--resume -x` as a bare picker). */
function flagValue(code: string, what: string, value: string, profile: CliProfile, hint: string): string {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed.startsWith("-")) {
    throw usage(code, `Cannot use ${what} '${value}' for profile '${profile}': it is empty or starts with '-'`, hint);
  }
  return trimmed;
}

function resumeArgs(profile: CliProfile, sessionId: string | true): Argv {
  const spec = PROFILES[profile];
  if (spec.resumeLatest === undefined || spec.resumeId === undefined) {
    const what = sessionId === true ? "the latest conversation" : `session '${sessionId}'`;
    throw unsupported(profile, "resume", `Cannot resume ${what} with profile '${profile}': ${profile} has no conversation to resume`,
      `Drop -r/--resume; profiles that resume: ${profilesWith((s) => s.resumeId !== undefined)}.`);
  }
  if (sessionId === true) return spec.resumeLatest;
  return spec.resumeId(flagValue("INVALID_SESSION_ID", "session id", sessionId, profile, "Pass the conversation id as printed by the CLI, or -r alone for the latest one."));
}

function modelArgs(profile: CliProfile, model: string | undefined): Argv {
  if (model === undefined) return [];
  const spec = PROFILES[profile];
  if (spec.model === undefined) {
    throw unsupported(profile, "model", `Cannot set model '${model}' for profile '${profile}': ${profile} has no model flag`,
      `Drop --model; profiles with a model flag: ${profilesWith((s) => s.model !== undefined)}.`);
  }
  const value = flagValue("INVALID_MODEL", "model", model, profile, "Pass a model name, e.g. --model <name>.");
  if (spec.modelShape !== undefined && !spec.modelShape.valid(value)) {
    throw usage("INVALID_MODEL", `Cannot use model '${model}' for profile '${profile}': ${profile} wants ${spec.modelShape.want}`,
      `Pass e.g. --model ${spec.modelShape.example}.`);
  }
  return spec.model(value);
}

type LaunchMode = "interactive" | "one-shot";

function effortArgs(profile: CliProfile, effort: string | undefined, mode: LaunchMode): Argv {
  if (effort === undefined) return [];
  const spec = PROFILES[profile].effort;
  if (spec === undefined) {
    throw unsupported(profile, "effort", `Cannot set effort '${effort}' for profile '${profile}': ${profile} has no reasoning-effort flag`,
      `Drop --effort; profiles with effort: ${profilesWith((s) => s.effort !== undefined)}.`);
  }
  if (spec.oneShotOnly === true && mode === "interactive") {
    throw usage("UNSUPPORTED", `Cannot set effort '${effort}' for an interactive '${profile}' session: only its one-shot form takes an effort flag`,
      `Drop --effort and pick it in the TUI, or run the task headless (\`remote delegate ${profile} --headless --effort ${effort} '<task>'\`).`);
  }
  const levels = spec.levels;
  const value = flagValue("INVALID_EFFORT", "effort", effort, profile, "Pass an effort level, e.g. --effort high.");
  if (levels === undefined) return spec.flag(value);
  const level = value.toLowerCase();
  if (!levels.includes(level)) {
    throw usage("INVALID_EFFORT", `Cannot use effort '${effort}' for profile '${profile}': valid levels are ${levels.join(", ")}`,
      `Pass one of --effort ${levels.join("|")}.`);
  }
  return spec.flag(level);
}

const tuning = (profile: CliProfile, options: Omit<LaunchOptions, "resume">, mode: LaunchMode): Argv => [
  ...modelArgs(profile, options.model),
  ...effortArgs(profile, options.effort, mode),
];

/** Prepends the resume arguments. `true` (the default) = the latest conversation; a string = that id. */
export function withResume(config: ProfileConfig, sessionId: string | true = true): ProfileConfig {
  return { ...config, args: [...resumeArgs(config.profile, sessionId), ...config.args] };
}

/** What `remote run <profile>` spawns. */
export function interactiveCommand(name: string, options: LaunchOptions, env: ProfileEnv = {}): ProfileConfig {
  const base = resolveProfile(name, env);
  const resume = options.resume === undefined ? [] : resumeArgs(base.profile, options.resume);
  return { ...base, args: [...resume, ...tuning(base.profile, options, "interactive"), ...(options.extraArgs ?? [])] };
}

function oneShot(mode: "headless" | "continue", name: string, task: string, options: Omit<LaunchOptions, "resume">, env: ProfileEnv): ProfileConfig {
  const base = resolveProfile(name, env);
  const spec = PROFILES[base.profile];
  const build = mode === "headless" ? spec.headless : spec.continueAfterThrottle;
  if (build === undefined) {
    const has = (s: ProfileSpec) => (mode === "headless" ? s.headless : s.continueAfterThrottle) !== undefined;
    throw mode === "headless"
      ? unsupported(base.profile, mode, `Cannot run profile '${base.profile}' headless: ${base.profile} has no one-shot mode`,
        `Run it in a session (\`remote run ${base.profile}\`), or delegate headless to ${profilesWith(has)}.`)
      : unsupported(base.profile, mode, `Cannot continue profile '${base.profile}' after a throttle: ${base.profile} has no conversation to continue`,
        `Re-run the task from the start; profiles that continue: ${profilesWith(has)}.`);
  }
  if (task.trim() === "") {
    throw usage("EMPTY_TASK", `Cannot run task '${task}' with profile '${base.profile}': the task is empty`,
      `Pass the task text, e.g. \`remote delegate ${base.profile} 'fix the failing test'\`.`);
  }
  return { ...base, args: [...build(task), ...tuning(base.profile, options, "one-shot"), ...(options.extraArgs ?? [])] };
}

/** A one-shot, non-interactive run of `task`. */
export function headlessCommand(name: string, task: string, options: Omit<LaunchOptions, "resume">, env: ProfileEnv = {}): ProfileConfig {
  return oneShot("headless", name, task, options, env);
}

/** Continue the latest conversation with `task` (after a throttle, in the same worktree). */
export function continueCommand(name: string, task: string, options: Omit<LaunchOptions, "resume">, env: ProfileEnv = {}): ProfileConfig {
  return oneShot("continue", name, task, options, env);
}

/**
 * The keystrokes that continue a throttled conversation in the CLI's open TUI: the
 * continue prompt, then Enter as a separate write (a TUI that reads prompt and Enter
 * in one chunk may take them for a paste and not submit). Undefined for shell: a
 * shell has no conversation to continue.
 */
export function continueKeystrokes(name: string): readonly string[] | undefined {
  const prompt = continuePrompt(name);
  return prompt === undefined ? undefined : [prompt, ENTER];
}

/** The continue prompt alone (its echo on screen marks what came before as history). */
export function continuePrompt(name: string): string | undefined {
  const profile = coerceCliProfileName(name);
  return profile === undefined ? undefined : PROFILES[profile].continuePrompt;
}

export function supportsEffort(p: CliProfile): boolean {
  return PROFILES[p].effort !== undefined;
}

/** The accepted levels; undefined when the profile has no effort or takes any value (opencode). */
export function effortLevels(p: CliProfile): readonly string[] | undefined {
  return PROFILES[p].effort?.levels;
}
