import { describe, expect, test } from "bun:test";
import { createMemoryHomeFiles } from "../../adapters/credentials/memory-home-files.ts";
import { createMemoryStatusProbe } from "../../adapters/process/memory-status-probe.ts";
import type { ProbeOutcome } from "../../domain/credentials/freshness.ts";
import type { ProcessPort } from "../../domain/ports.ts";
import { collectBundle } from "./collect.ts";
import { bundleForRun } from "./run-bundle.ts";

const HOME = "/home/p";
const loggedIn: ProbeOutcome = { kind: "exited", exitCode: 0, stdout: '{"loggedIn":true}' };

function deps(files: Record<string, string | "dir">, probes: Record<string, ProbeOutcome> = {}) {
  const warnings: string[] = [];
  const statusProbe = createMemoryStatusProbe(probes);
  const onPath = new Set(Object.keys(probes));
  return {
    warnings,
    statusProbe,
    env: { HOME, PATH: "/bin" },
    homeFiles: createMemoryHomeFiles(Object.fromEntries(Object.entries(files).map(([p, c]) => [`${HOME}/${p}`, c]))),
    process: { which: (c: string) => (onPath.has(c) ? `/bin/${c}` : undefined) } as unknown as ProcessPort,
    log: { info: () => {}, warn: (m: string) => void warnings.push(m), error: () => {} },
  };
}
const paths = (b: { bundle: { files: readonly { path: string }[] } } | undefined) => b?.bundle.files.map((f) => f.path);

describe("collecting a bundle from the person's HOME", () => {
  test("gemini: every file optional, none found is an empty bundle; agy sends the same files", () => {
    expect(paths(collectBundle(deps({}), "gemini", []))).toEqual([]);
    const d = deps({ ".gemini/oauth_creds.json": "{}", ".gemini/settings.json": "{}" });
    expect(paths(collectBundle(d, "agy", []))).toEqual([".gemini/oauth_creds.json", ".gemini/settings.json"]);
  });

  test("Claude settings that are not JSON are refused by path, never quoting them", () => {
    const d = deps({ ".claude/.credentials.json": "{}", ".claude/settings.json": "{sk-secret-settings" });
    expect(() => collectBundle(d, "claude", [])).toThrow(expect.objectContaining({ code: "CREDENTIAL_INVALID", message: `Cannot bundle '${HOME}/.claude/settings.json': it is not valid JSON` }));
  });

  test("a tool asked for with --with must bring a file", () => {
    expect(() => collectBundle(deps({}), "shell", ["gh"])).toThrow(expect.objectContaining({ code: "CREDENTIALS_MISSING", hint: "Log in with `gh auth login` on this machine, or drop gh from --with." }));
    expect(paths(collectBundle(deps({ ".aws/config": "x" }), "shell", ["aws"]))).toEqual([".aws/config"]);
  });
});

describe("which credentials a new session gets", () => {
  const claudeFiles = { ".claude/.credentials.json": "{}" };

  test("local: none unless asked; elsewhere: the profile's by default, nothing for a shell", async () => {
    const d = deps(claudeFiles, { claude: loggedIn });
    expect(await bundleForRun(d, "claude", {}, "local")).toBeUndefined();
    expect(paths(await bundleForRun(d, "claude", { withAuth: true }, "local"))).toEqual([".claude/.credentials.json"]);
    expect(paths(await bundleForRun(d, "claude", {}, "elsewhere"))).toEqual([".claude/.credentials.json"]);
    expect(await bundleForRun(d, "shell", {}, "elsewhere")).toBeUndefined();
    expect(await bundleForRun(d, "claude", { auth: false }, "elsewhere")).toBeUndefined();
    await expect(bundleForRun(d, "claude", { auth: false, with: "gh" }, "local")).rejects.toMatchObject({ code: "CONFLICTING_FLAGS", kind: "usage" });
    expect(d.statusProbe.calls).toEqual([
      ["/bin/claude", "auth", "status"],
      ["/bin/claude", "auth", "status"],
    ]);
  });

  test("preflight: a stale login refused (hint: log in, --no-preflight); a CLI not here is a warning; --no-preflight asks nothing", async () => {
    const stale = deps(claudeFiles, { claude: { kind: "exited", exitCode: 1, stdout: '{"loggedIn":false}' } });
    await expect(bundleForRun(stale, "claude", { withAuth: true }, "local")).rejects.toMatchObject({
      code: "CREDENTIALS_STALE",
      hint: "Log in again with `claude auth login`, skip this check with --no-preflight, or start without credentials with --no-auth.",
    });
    expect(paths(await bundleForRun(stale, "claude", { withAuth: true, preflight: false }, "local"))).toEqual([".claude/.credentials.json"]);
    expect(stale.statusProbe.calls).toHaveLength(1);
    const absent = deps(claudeFiles);
    expect(paths(await bundleForRun(absent, "claude", { withAuth: true }, "local"))).toEqual([".claude/.credentials.json"]);
    expect(absent.warnings).toEqual(["could not check the claude login: 'claude' is not on PATH, so `claude auth status` could not run; sending the files as they are"]);
  });
});
