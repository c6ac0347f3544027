import { describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleHash, bundleHashChunks, isConfigOnly, makeBundle, type Sha256 } from "./bundle.ts";
import { bundleSpecsFor, missingRequiredError, parseCredentialTools, profileBundleSpec, sourcePathOf } from "./bundle-spec.ts";
import { freshnessOf } from "./freshness.ts";
import { stripClaudeHooks } from "./strip-hooks.ts";

const sha256: Sha256 = (chunks) => {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return h.digest("hex");
};
const file = (path: string, text: string) => ({ path, content: new TextEncoder().encode(text) });
const golden = (name: string) => readFileSync(join(import.meta.dir, "golden", name));

describe("bundle specs (SPEC §2)", () => {
  test("each profile's files, required ones and where the status command is", () => {
    const paths = (p: Parameters<typeof profileBundleSpec>[0]) => profileBundleSpec(p).files.map((f) => `${f.path}${f.required ? "!" : ""}`);
    expect(paths("claude")).toEqual([".claude/.credentials.json!", ".claude.json", ".claude/settings.json"]);
    expect(paths("codex")).toEqual([".codex/auth.json!", ".codex/config.toml"]);
    expect(paths("gemini")).toEqual([".gemini/oauth_creds.json", ".gemini/google_accounts.json", ".gemini/settings.json"]);
    expect(paths("agy")).toEqual(paths("gemini"));
    expect(paths("opencode")).toEqual([".local/share/opencode/auth.json"]);
    expect(paths("shell")).toEqual([]);
    expect(profileBundleSpec("claude").status).toEqual(["claude", "auth", "status"]);
    expect(profileBundleSpec("codex").status).toEqual(["codex", "login", "status"]);
  });

  test("--with tools: comma lists, deduplicated, an unknown one refused with a suggestion", () => {
    expect(parseCredentialTools(["gh,aws", " GH ", "docker"])).toEqual(["gh", "aws", "docker"]);
    expect(bundleSpecsFor("codex", ["npm", "gcloud", "scw"]).flatMap((s) => s.files.map((f) => f.path))).toEqual([
      ".codex/auth.json",
      ".codex/config.toml",
      ".npmrc",
      ".config/gcloud/application_default_credentials.json",
      ".config/scw/config.yaml",
    ]);
    expect(bundleSpecsFor("shell", ["aws"]).flatMap((s) => s.files.map((f) => f.path))).toEqual([".aws/credentials", ".aws/config"]);
    expect(() => parseCredentialTools(["gh,awz"])).toThrow(expect.objectContaining({ code: "UNKNOWN_CREDENTIAL_TOOL", kind: "usage", hint: "Did you mean --with aws?" }));
  });

  test("CLAUDE_CONFIG_DIR and CODEX_HOME move where the person's files are read, not where the session gets them", () => {
    const [creds, dotClaude, settings] = profileBundleSpec("claude").files as [never, never, never];
    const env = { HOME: "/home/p", CLAUDE_CONFIG_DIR: "/cfg/claude/" };
    expect([sourcePathOf(creds, env), sourcePathOf(dotClaude, env), sourcePathOf(settings, env)]).toEqual(["/cfg/claude/.credentials.json", "/cfg/claude/.claude.json", "/cfg/claude/settings.json"]);
    expect(sourcePathOf(creds, { HOME: "/home/p" })).toBe("/home/p/.claude/.credentials.json");
    const auth = profileBundleSpec("codex").files[0]!;
    expect(sourcePathOf(auth, { HOME: "/home/p", CODEX_HOME: "/x/codex" })).toBe("/x/codex/auth.json");
    // A relative override is not trusted (it would depend on our cwd).
    expect(sourcePathOf(auth, { HOME: "/home/p", CODEX_HOME: "rel" })).toBe("/home/p/.codex/auth.json");
  });

  test("a missing required file: the paths expected, the login command, --no-auth", () => {
    const error = missingRequiredError(profileBundleSpec("claude"), [{ path: ".claude/.credentials.json", source: "/home/p/.claude/.credentials.json" }]);
    expect(error.code).toBe("CREDENTIALS_MISSING");
    expect(error.message).toBe("Cannot bundle the claude credentials: the required file is missing (expected /home/p/.claude/.credentials.json)");
    expect(error.hint).toBe("Log in with `claude auth login` on this machine, or start without credentials with --no-auth.");
    const moved = missingRequiredError(profileBundleSpec("codex"), [{ path: ".codex/auth.json", source: "/x/auth.json" }]);
    expect(moved.message).toContain("expected /x/auth.json (for ~/.codex/auth.json)");
    expect(moved.hint).toContain("`codex login`");
  });
});

describe("bundle hash (SPEC §8)", () => {
  test("sha256 over sorted path + content; key order does not matter; settings files are left out", () => {
    const a = [file(".codex/auth.json", "A"), file(".claude/.credentials.json", "B")];
    const hash = bundleHash(a, sha256);
    expect(bundleHash([...a].reverse(), sha256)).toBe(hash);
    expect(hash).toBe(sha256([".claude/.credentials.json\u00001\u0000", "B", ".codex/auth.json\u00001\u0000", "A"]));
    expect(bundleHash([...a, file(".claude/settings.json", "{}"), file(".codex/config.toml", "x=1"), file(".claude.json", "{}")], sha256)).toBe(hash);
    expect(bundleHash([file(".codex/auth.json", "A2"), a[1]!], sha256)).not.toBe(hash);
    // The lengths keep "a"+"bc" and "ab"+"c" apart.
    expect(bundleHashChunks([file("x", "ab")])).not.toEqual(bundleHashChunks([file("xa", "b")]));
  });

  test("config-only: the settings, never a secret", () => {
    expect([".claude.json", ".claude/settings.json", ".codex/config.toml", ".gemini/settings.json", ".aws/config"].every(isConfigOnly)).toBe(true);
    expect([".claude/.credentials.json", ".codex/auth.json", ".gemini/oauth_creds.json", ".aws/credentials", ".npmrc"].some(isConfigOnly)).toBe(false);
  });

  test("a bundle is path -> bytes + mode 0600, sorted", () => {
    const bundle = makeBundle([file("b", "2"), file("a", "1")], sha256);
    expect(bundle.files.map((f) => [f.path, f.mode])).toEqual([["a", 0o600], ["b", 0o600]]);
  });
});

describe("Claude settings without hooks", () => {
  test("golden: hooks gone, every other key kept", () => {
    const out = stripClaudeHooks(new Uint8Array(golden("claude-settings.in.json")));
    expect(out.ok && new TextDecoder().decode(out.content)).toBe(golden("claude-settings.out.json").toString());
  });

  test("no hooks: the bytes as they were; not JSON: refused without quoting it", () => {
    const plain = new TextEncoder().encode('{"model":"opus"}');
    expect(stripClaudeHooks(plain)).toEqual({ ok: true, content: plain });
    expect(stripClaudeHooks(new TextEncoder().encode("{sk-secret"))).toEqual({ ok: false, reason: "it is not valid JSON" });
    expect(stripClaudeHooks(new TextEncoder().encode("[1]"))).toEqual({ ok: false, reason: "it is not a JSON object" });
  });
});

describe("freshness preflight verdict", () => {
  const claude = ["claude", "auth", "status"];
  test("exit 0 is fresh, unless claude says loggedIn false; non-zero is stale; not found or timeout is unknown", () => {
    expect(freshnessOf(claude, { kind: "exited", exitCode: 0, stdout: '{"loggedIn":true}' })).toEqual({ state: "fresh" });
    expect(freshnessOf(claude, { kind: "exited", exitCode: 0, stdout: '{"loggedIn":false}' }).state).toBe("stale");
    expect(freshnessOf(["codex", "login", "status"], { kind: "exited", exitCode: 1, stdout: "" })).toEqual({ state: "stale", detail: "`codex login status` exited 1: not logged in, or the login expired" });
    expect(freshnessOf(claude, { kind: "not-found" }).state).toBe("unknown");
    expect(freshnessOf(claude, { kind: "timeout", timeoutMs: 10_000 })).toEqual({ state: "unknown", detail: "`claude auth status` gave no answer within 10 s" });
  });
});
