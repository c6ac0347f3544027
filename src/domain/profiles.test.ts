import { describe, expect, test } from "bun:test";
import { RemoteError } from "./errors.ts";
import {
  CLI_PROFILES,
  coerceCliProfileName,
  continueCommand,
  continueKeystrokes,
  effortLevels,
  headlessCommand,
  interactiveCommand,
  isCliProfile,
  PROFILE_ALIASES,
  resolveProfile,
  supportsEffort,
  withResume,
  type CliProfile,
  type ProfileConfig,
} from "./profiles.ts";

const argv = (c: ProfileConfig) => [c.command, ...c.args];

const errorOf = (fn: () => unknown): RemoteError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RemoteError) return error;
    throw error;
  }
  throw new Error("expected a RemoteError");
};

/** Asserts a usage error with this code whose message reads "Cannot ... '<value>': ...". */
const expectUsage = (fn: () => unknown, code: string, ...mentions: string[]) => {
  const error = errorOf(fn);
  expect(error.code).toBe(code);
  expect(error.kind).toBe("usage");
  expect(error.message).toMatch(/^Cannot [^']*'[^']*'.*: .+/);
  expect(error.hint ?? "").not.toBe("");
  for (const m of mentions) expect(`${error.message} ${error.hint}`).toContain(m);
  return error;
};

type Row = readonly [label: string, build: () => ProfileConfig, expected: readonly string[]];
const rows = (table: readonly Row[]) => test.each(table.map((r) => [...r]))("%s", (_label, build, expected) => {
  expect(argv((build as () => ProfileConfig)())).toEqual(expected as string[]);
});

const NASTY = `it's "quoted" $(rm -rf /); echo pwned\n\tsecond line \`id\` && exit`;

describe("profile names", () => {
  test("CLI_PROFILES lists every profile in table order", () => {
    expect(CLI_PROFILES).toEqual(["shell", "claude", "codex", "gemini", "opencode", "agy", "mistral"]);
  });

  test("isCliProfile accepts exact canonical names only", () => {
    for (const p of CLI_PROFILES) expect(isCliProfile(p)).toBe(true);
    for (const v of ["Claude", " claude", "claude-code", "vibe", "", "bash"]) expect(isCliProfile(v)).toBe(false);
  });

  test("the SPEC aliases and the extras resolve", () => {
    expect(PROFILE_ALIASES["claude-code"]).toBe("claude");
    expect(PROFILE_ALIASES["antigravity"]).toBe("agy");
    expect(PROFILE_ALIASES["gemini-cli"]).toBe("gemini");
    expect(PROFILE_ALIASES["bash"]).toBe("shell");
    expect(PROFILE_ALIASES["vibe"]).toBe("mistral");
    for (const target of Object.values(PROFILE_ALIASES)) expect(isCliProfile(target)).toBe(true);
  });

  test.each([
    ["claude", "claude"], ["  CLAUDE\t", "claude"], ["Claude-Code", "claude"], ["ANTIGRAVITY", "agy"],
    ["gemini-cli", "gemini"], ["Bash", "shell"], ["vibe", "mistral"], ["mistral-vibe", "mistral"],
    ["opencode-ai", "opencode"], ["codex-cli", "codex"],
  ])("coerceCliProfileName(%p) = %p", (input, expected) => {
    expect(coerceCliProfileName(input)).toBe(expected as CliProfile);
  });

  test.each(["", "   ", "claud", "toString", "__proto__", "constructor", "shell claude"])("coerceCliProfileName(%p) is undefined", (input) => {
    expect(coerceCliProfileName(input)).toBeUndefined();
  });

  test("resolveProfile goes through aliases and starts with no args", () => {
    expect(resolveProfile(" Claude-Code ")).toEqual({ profile: "claude", command: "claude", args: [] });
    expect(resolveProfile("antigravity")).toEqual({ profile: "agy", command: "agy", args: [] });
  });

  test("an unknown profile is a usage error listing every profile and alias", () => {
    const error = expectUsage(() => resolveProfile("claud"), "UNKNOWN_PROFILE", "'claud'");
    for (const p of CLI_PROFILES) expect(error.message).toContain(p);
    for (const alias of Object.keys(PROFILE_ALIASES)) expect(error.message).toContain(alias);
    expect(errorOf(() => interactiveCommand("nope", {})).code).toBe("UNKNOWN_PROFILE");
    expect(errorOf(() => headlessCommand("nope", "x", {})).code).toBe("UNKNOWN_PROFILE");
    expect(errorOf(() => continueCommand("nope", "x", {})).code).toBe("UNKNOWN_PROFILE");
  });
});

describe("shell", () => {
  rows([
    ["binary is $SHELL", () => resolveProfile("shell", { SHELL: "/usr/bin/zsh" }), ["/usr/bin/zsh"]],
    ["binary falls back to /bin/bash", () => resolveProfile("shell", {}), ["/bin/bash"]],
    ["an empty $SHELL falls back too", () => resolveProfile("shell", { SHELL: "  " }), ["/bin/bash"]],
    ["no env argument at all", () => resolveProfile("shell"), ["/bin/bash"]],
    ["interactive", () => interactiveCommand("shell", {}, { SHELL: "/bin/zsh" }), ["/bin/zsh"]],
    ["extraArgs pass through (remote run shell -- -c 'vim x')", () => interactiveCommand("shell", { extraArgs: ["-c", "vim x"] }), ["/bin/bash", "-c", "vim x"]],
    ["headless -c <cmd>", () => headlessCommand("shell", "make test && echo ok", {}), ["/bin/bash", "-c", "make test && echo ok"]],
    ["headless extraArgs become $0 $1", () => headlessCommand("shell", 'echo "$1"', { extraArgs: ["sh", "one"] }), ["/bin/bash", "-c", 'echo "$1"', "sh", "one"]],
  ]);

  test("resume, continue, model and effort are clear UNSUPPORTED errors", () => {
    expectUsage(() => interactiveCommand("shell", { resume: true }), "UNSUPPORTED", "'shell'", "claude");
    expectUsage(() => interactiveCommand("shell", { resume: "abc" }), "UNSUPPORTED", "'abc'", "'shell'");
    expectUsage(() => withResume(resolveProfile("shell")), "UNSUPPORTED", "'shell'");
    expectUsage(() => continueCommand("shell", "ls", {}), "UNSUPPORTED", "'shell'");
    expectUsage(() => interactiveCommand("shell", { model: "gpt-5" }), "UNSUPPORTED", "'gpt-5'", "'shell'");
    expectUsage(() => headlessCommand("shell", "ls", { effort: "high" }), "UNSUPPORTED", "'high'", "'shell'", "claude, codex, opencode");
    expect(supportsEffort("shell")).toBe(false);
    expect(effortLevels("shell")).toBeUndefined();
  });
});

describe("claude", () => {
  rows([
    ["binary", () => resolveProfile("claude"), ["claude"]],
    ["interactive", () => interactiveCommand("claude", {}), ["claude"]],
    ["resume latest is --continue", () => interactiveCommand("claude", { resume: true }), ["claude", "--continue"]],
    ["resume id is --resume <id>", () => interactiveCommand("claude", { resume: "0b9c-11aa" }), ["claude", "--resume", "0b9c-11aa"]],
    ["withResume latest", () => withResume(resolveProfile("claude"), true), ["claude", "--continue"]],
    ["withResume defaults to latest", () => withResume(resolveProfile("claude")), ["claude", "--continue"]],
    ["withResume id keeps existing args after", () => withResume({ profile: "claude", command: "claude", args: ["--verbose"] }, "abc"), ["claude", "--resume", "abc", "--verbose"]],
    ["headless -p <task>", () => headlessCommand("claude", "fix it", {}), ["claude", "-p", "fix it"]],
    ["continue -p --continue <task>", () => continueCommand("claude", "go on", {}), ["claude", "-p", "--continue", "go on"]],
    ["model --model <m>", () => interactiveCommand("claude", { model: "opus" }), ["claude", "--model", "opus"]],
    ["effort --effort <e>", () => interactiveCommand("claude", { effort: "xhigh" }), ["claude", "--effort", "xhigh"]],
    ["effort is case-insensitive", () => interactiveCommand("claude", { effort: " MAX " }), ["claude", "--effort", "max"]],
    ["order: resume, model, effort, extraArgs", () => interactiveCommand("claude", { resume: "id1", model: "opus", effort: "low", extraArgs: ["--verbose"] }), ["claude", "--resume", "id1", "--model", "opus", "--effort", "low", "--verbose"]],
    ["headless with everything", () => headlessCommand("claude", "t", { model: "sonnet", effort: "high", extraArgs: ["--add-dir", "/a", "/b"] }), ["claude", "-p", "t", "--model", "sonnet", "--effort", "high", "--add-dir", "/a", "/b"]],
    ["continue with model", () => continueCommand("claude", "t", { model: "sonnet" }), ["claude", "-p", "--continue", "t", "--model", "sonnet"]],
  ]);

  test("never emits a bare --resume, for any profile", () => {
    for (const p of CLI_PROFILES.filter((p) => p !== "shell")) {
      const built = [interactiveCommand(p, { resume: true }), interactiveCommand(p, { resume: "x" }), withResume(resolveProfile(p))];
      if (p !== "agy") built.push(headlessCommand(p, "t", {}), continueCommand(p, "t", {}));
      for (const c of built) {
        c.args.forEach((a, i) => {
          if (a === "--resume") expect(c.args[i + 1] ?? "-").not.toStartWith("-");
        });
      }
    }
    expect(interactiveCommand("claude", { resume: true }).args).not.toContain("--resume");
  });

  test("an empty or flag-like session id is refused (it would open the picker)", () => {
    expectUsage(() => interactiveCommand("claude", { resume: "" }), "INVALID_SESSION_ID", "'claude'");
    expectUsage(() => interactiveCommand("claude", { resume: "--verbose" }), "INVALID_SESSION_ID", "'--verbose'");
  });

  test("effort levels are validated and listed", () => {
    expect(supportsEffort("claude")).toBe(true);
    expect(effortLevels("claude")).toEqual(["low", "medium", "high", "xhigh", "max"]);
    expectUsage(() => interactiveCommand("claude", { effort: "minimal" }), "INVALID_EFFORT", "'minimal'", "low, medium, high, xhigh, max");
    expectUsage(() => headlessCommand("claude", "t", { effort: "" }), "INVALID_EFFORT");
  });

  test("an empty model is refused", () => {
    expectUsage(() => interactiveCommand("claude", { model: " " }), "INVALID_MODEL");
  });
});

describe("codex", () => {
  rows([
    ["binary", () => resolveProfile("codex"), ["codex"]],
    ["resume latest is the subcommand resume --last", () => interactiveCommand("codex", { resume: true }), ["codex", "resume", "--last"]],
    ["resume id is resume <id>", () => interactiveCommand("codex", { resume: "019a-thread" }), ["codex", "resume", "019a-thread"]],
    ["withResume puts the subcommand first", () => withResume({ profile: "codex", command: "codex", args: ["-m", "o3"] }), ["codex", "resume", "--last", "-m", "o3"]],
    ["resume --last stays first, before model and effort", () => interactiveCommand("codex", { resume: true, model: "gpt-5", effort: "high", extraArgs: ["--search"] }), ["codex", "resume", "--last", "-m", "gpt-5", "-c", "model_reasoning_effort=high", "--search"]],
    ["headless exec <task>", () => headlessCommand("codex", "fix it", {}), ["codex", "exec", "fix it"]],
    ["headless exec stays first", () => headlessCommand("codex", "t", { model: "gpt-5", effort: "minimal", extraArgs: ["--skip-git-repo-check"] }), ["codex", "exec", "t", "-m", "gpt-5", "-c", "model_reasoning_effort=minimal", "--skip-git-repo-check"]],
    ["continue exec resume --last <task>", () => continueCommand("codex", "go on", {}), ["codex", "exec", "resume", "--last", "go on"]],
    ["continue with model", () => continueCommand("codex", "go on", { model: "o3" }), ["codex", "exec", "resume", "--last", "go on", "-m", "o3"]],
    ["model -m <m>", () => interactiveCommand("codex", { model: "gpt-5-codex" }), ["codex", "-m", "gpt-5-codex"]],
    ["effort -c model_reasoning_effort=<e>", () => interactiveCommand("codex", { effort: "xhigh" }), ["codex", "-c", "model_reasoning_effort=xhigh"]],
  ]);

  test("effort levels are validated", () => {
    expect(supportsEffort("codex")).toBe(true);
    expect(effortLevels("codex")).toEqual(["minimal", "low", "medium", "high", "xhigh"]);
    expectUsage(() => interactiveCommand("codex", { effort: "max" }), "INVALID_EFFORT", "'max'", "minimal, low, medium, high, xhigh");
    expectUsage(() => interactiveCommand("codex", { effort: "high;rm" }), "INVALID_EFFORT");
  });
});

describe("gemini", () => {
  rows([
    ["binary", () => resolveProfile("gemini"), ["gemini"]],
    ["resume latest is --resume latest", () => interactiveCommand("gemini", { resume: true }), ["gemini", "--resume", "latest"]],
    ["resume id is --resume <uuid>", () => interactiveCommand("gemini", { resume: "5f0c3e1a-0000-4000-8000-000000000000" }), ["gemini", "--resume", "5f0c3e1a-0000-4000-8000-000000000000"]],
    ["headless -p <task>", () => headlessCommand("gemini", "fix it", {}), ["gemini", "-p", "fix it"]],
    ["continue -p <task> --resume latest", () => continueCommand("gemini", "go on", {}), ["gemini", "-p", "go on", "--resume", "latest"]],
    ["model -m <m>", () => interactiveCommand("gemini", { model: "gemini-2.5-pro" }), ["gemini", "-m", "gemini-2.5-pro"]],
    ["order: resume, model, extraArgs", () => interactiveCommand("gemini", { resume: "u1", model: "m", extraArgs: ["--yolo"] }), ["gemini", "--resume", "u1", "-m", "m", "--yolo"]],
    ["continue with model and extraArgs", () => continueCommand("gemini", "t", { model: "m", extraArgs: ["--yolo"] }), ["gemini", "-p", "t", "--resume", "latest", "-m", "m", "--yolo"]],
  ]);

  test("effort is a clear UNSUPPORTED error", () => {
    expect(supportsEffort("gemini")).toBe(false);
    expect(effortLevels("gemini")).toBeUndefined();
    expectUsage(() => interactiveCommand("gemini", { effort: "high" }), "UNSUPPORTED", "'high'", "'gemini'");
    expectUsage(() => headlessCommand("gemini", "t", { effort: "high" }), "UNSUPPORTED");
  });
});

describe("opencode", () => {
  rows([
    ["binary", () => resolveProfile("opencode"), ["opencode"]],
    ["resume latest is --continue", () => interactiveCommand("opencode", { resume: true }), ["opencode", "--continue"]],
    ["resume id is --session <id>", () => interactiveCommand("opencode", { resume: "ses_abc" }), ["opencode", "--session", "ses_abc"]],
    ["headless run <task>", () => headlessCommand("opencode", "fix it", {}), ["opencode", "run", "fix it"]],
    ["continue run --continue <task>", () => continueCommand("opencode", "go on", {}), ["opencode", "run", "--continue", "go on"]],
    ["model -m <provider/model>", () => interactiveCommand("opencode", { model: "anthropic/claude-sonnet-4-5" }), ["opencode", "-m", "anthropic/claude-sonnet-4-5"]],
    ["model with a nested path", () => interactiveCommand("opencode", { model: "openrouter/meta/llama" }), ["opencode", "-m", "openrouter/meta/llama"]],
    ["effort --variant <e> (free-form), one-shot", () => headlessCommand("opencode", "t", { effort: "high" }), ["opencode", "run", "t", "--variant", "high"]],
    ["everything, in order", () => headlessCommand("opencode", "t", { model: "openai/gpt-5", effort: "minimal", extraArgs: ["--print-logs"] }), ["opencode", "run", "t", "-m", "openai/gpt-5", "--variant", "minimal", "--print-logs"]],
    ["continue with model", () => continueCommand("opencode", "t", { model: "openai/gpt-5" }), ["opencode", "run", "--continue", "t", "-m", "openai/gpt-5"]],
  ]);

  test("a model without provider/ is refused with an example", () => {
    for (const bad of ["gpt-5", "/gpt-5", "openai/"]) {
      expectUsage(() => interactiveCommand("opencode", { model: bad }), "INVALID_MODEL", `'${bad}'`, "<provider>/<model>", "--model ");
    }
  });

  test("effort is supported with provider-defined variants", () => {
    expect(supportsEffort("opencode")).toBe(true);
    expect(effortLevels("opencode")).toBeUndefined();
    expectUsage(() => headlessCommand("opencode", "t", { effort: "-x" }), "INVALID_EFFORT");
  });

  test("effort is refused for the TUI: only `opencode run` has --variant (test/fixtures/help/opencode-1.18.33.txt)", () => {
    expectUsage(() => interactiveCommand("opencode", { effort: "high" }), "UNSUPPORTED", "'high'", "'opencode'", "--headless");
    expectUsage(() => interactiveCommand("opencode", { resume: true, effort: "high" }), "UNSUPPORTED");
  });
});

describe("agy", () => {
  rows([
    ["binary", () => resolveProfile("agy"), ["agy"]],
    ["interactive", () => interactiveCommand("antigravity", { extraArgs: ["--foo"] }), ["agy", "--foo"]],
    ["resume latest is --continue", () => interactiveCommand("agy", { resume: true }), ["agy", "--continue"]],
    ["resume id is --resume <id>", () => interactiveCommand("agy", { resume: "conv-1" }), ["agy", "--resume", "conv-1"]],
  ]);

  test("headless, continue, model and effort are clear UNSUPPORTED errors", () => {
    expectUsage(() => headlessCommand("agy", "t", {}), "UNSUPPORTED", "'agy'", "headless", "remote run agy");
    expectUsage(() => continueCommand("agy", "t", {}), "UNSUPPORTED", "'agy'");
    expectUsage(() => interactiveCommand("agy", { model: "gemini-3" }), "UNSUPPORTED", "'gemini-3'");
    expectUsage(() => interactiveCommand("agy", { effort: "high" }), "UNSUPPORTED", "'high'");
    expect(supportsEffort("agy")).toBe(false);
  });
});

describe("mistral (Mistral Vibe)", () => {
  rows([
    ["binary is vibe", () => resolveProfile("mistral"), ["vibe"]],
    ["alias vibe", () => interactiveCommand("vibe", {}), ["vibe"]],
    ["resume latest is --continue", () => interactiveCommand("mistral", { resume: true }), ["vibe", "--continue"]],
    ["resume id is --resume <id>", () => interactiveCommand("mistral", { resume: "a1b2c3" }), ["vibe", "--resume", "a1b2c3"]],
    ["headless --prompt <task>", () => headlessCommand("mistral", "fix it", {}), ["vibe", "--prompt", "fix it"]],
    ["headless extraArgs last", () => headlessCommand("mistral", "t", { extraArgs: ["--auto-approve", "--output", "json"] }), ["vibe", "--prompt", "t", "--auto-approve", "--output", "json"]],
    ["continue --prompt <task> --continue", () => continueCommand("mistral", "go on", {}), ["vibe", "--prompt", "go on", "--continue"]],
  ]);

  test("model and effort are clear UNSUPPORTED errors that say how vibe picks its model", () => {
    expectUsage(() => interactiveCommand("mistral", { model: "devstral" }), "UNSUPPORTED", "'devstral'", "active_model");
    expectUsage(() => headlessCommand("mistral", "t", { model: "devstral" }), "UNSUPPORTED");
    expectUsage(() => interactiveCommand("mistral", { effort: "high" }), "UNSUPPORTED", "'high'");
    expect(supportsEffort("mistral")).toBe(false);
  });
});

describe("a task is always one argv element", () => {
  const oneShots = CLI_PROFILES.flatMap((p) => [
    ...(p === "agy" ? [] : [["headless", p, () => headlessCommand(p, NASTY, {})] as const]),
    ...(p === "agy" || p === "shell" ? [] : [["continue", p, () => continueCommand(p, NASTY, {})] as const]),
  ]);

  test.each(oneShots.map((r) => [...r]))("%s %s", (_mode, _profile, build) => {
    const args = (build as () => ProfileConfig)().args;
    expect(args.filter((a) => a === NASTY)).toHaveLength(1);
    expect(args.filter((a) => a !== NASTY).some((a) => a.includes("rm -rf") || a.includes("\n"))).toBe(false);
  });

  test("quotes and separators stay verbatim", () => {
    expect(headlessCommand("claude", "'", {}).args).toEqual(["-p", "'"]);
    expect(headlessCommand("codex", "a; b", {}).args).toEqual(["exec", "a; b"]);
  });

  test("an empty task is refused", () => {
    expectUsage(() => headlessCommand("claude", "", {}), "EMPTY_TASK", "'claude'");
    expectUsage(() => continueCommand("codex", "  \n", {}), "EMPTY_TASK");
  });
});

describe("building is pure", () => {
  test("results are fresh arrays and the inputs are left alone", () => {
    const extraArgs = ["--x"];
    const a = interactiveCommand("claude", { extraArgs });
    const b = interactiveCommand("claude", { extraArgs });
    expect(a).toEqual(b);
    expect(a.args).not.toBe(extraArgs);
    const base = resolveProfile("codex");
    withResume(base, "id");
    expect(base.args).toEqual([]);
  });
});

describe("continue keystrokes (a throttled job whose TUI is still open)", () => {
  test("every agent CLI: 'continue', then Enter as its own write; aliases resolve", () => {
    for (const p of ["claude", "codex", "gemini", "opencode", "agy", "mistral"]) expect(continueKeystrokes(p)).toEqual(["continue", "\r"]);
    expect(continueKeystrokes("claude-code")).toEqual(["continue", "\r"]);
  });

  test("a shell has no conversation to continue; an unknown profile has none either", () => {
    expect(continueKeystrokes("shell")).toBeUndefined();
    expect(continueKeystrokes("nope")).toBeUndefined();
  });
});
