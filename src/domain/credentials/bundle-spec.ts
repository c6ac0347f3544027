/**
 * Which credential files follow a session (SPEC §2 "Credential files"): per profile, plus
 * opt-in tools (`--with gh,aws,...`). Paths are HOME-relative where the session reads
 * them; `from` says where the person's own copy is when an env variable moves it.
 */
import { closestMatch } from "../closest.ts";
import { RemoteError } from "../errors.ts";
import type { CliProfile } from "../profiles.ts";

/** An env variable naming a directory that replaces the default one, and the file's path inside it. */
export type SourceOverride = { readonly env: string; readonly path: string };

export type CredentialFileSpec = {
  /** HOME-relative, where the session's CLI reads it (and where it is read from by default). */
  readonly path: string;
  /** Without it the bundle is refused (the CLI cannot log in). */
  readonly required?: boolean;
  /**
   * Settings, not secrets: sent, but left out of the bundle hash, so a changed setting
   * alone does not count as fresh credentials (SPEC §8).
   */
  readonly configOnly?: boolean;
  /** Claude's settings: `hooks` call binaries absent where the session runs. */
  readonly stripHooks?: boolean;
  /** The first set variable wins; none set: `path` under HOME. */
  readonly from?: readonly SourceOverride[];
};

export type BundleSpec = {
  readonly name: string;
  readonly files: readonly CredentialFileSpec[];
  /** The command that logs in again (for the missing-file error). */
  readonly login?: string;
  /** argv of the CLI's own status command (freshness preflight); exit 0 = logged in. */
  readonly status?: readonly string[];
};

const inClaudeConfig = (path: string): readonly SourceOverride[] => [{ env: "CLAUDE_CONFIG_DIR", path }];
const inCodexHome = (path: string): readonly SourceOverride[] => [{ env: "CODEX_HOME", path }];

const GEMINI_FILES: readonly CredentialFileSpec[] = [
  { path: ".gemini/oauth_creds.json" },
  { path: ".gemini/google_accounts.json" },
  { path: ".gemini/settings.json", configOnly: true },
];

const PROFILE_BUNDLES: Readonly<Record<CliProfile, BundleSpec>> = {
  shell: { name: "shell", files: [] },
  mistral: { name: "mistral", files: [] },
  claude: {
    name: "claude",
    files: [
      { path: ".claude/.credentials.json", required: true, from: inClaudeConfig(".credentials.json") },
      // Claude keeps it beside its config dir when CLAUDE_CONFIG_DIR moves that.
      { path: ".claude.json", configOnly: true, from: inClaudeConfig(".claude.json") },
      { path: ".claude/settings.json", configOnly: true, stripHooks: true, from: inClaudeConfig("settings.json") },
    ],
    login: "claude auth login",
    status: ["claude", "auth", "status"],
  },
  codex: {
    name: "codex",
    files: [
      { path: ".codex/auth.json", required: true, from: inCodexHome("auth.json") },
      { path: ".codex/config.toml", configOnly: true, from: inCodexHome("config.toml") },
    ],
    login: "codex login",
    status: ["codex", "login", "status"],
  },
  gemini: { name: "gemini", files: GEMINI_FILES, login: "gemini (sign in with Google when it asks)" },
  agy: { name: "agy", files: GEMINI_FILES, login: "agy (sign in with Google when it asks)" },
  opencode: { name: "opencode", files: [{ path: ".local/share/opencode/auth.json", from: [{ env: "XDG_DATA_HOME", path: "opencode/auth.json" }] }], login: "opencode auth login" },
};

/** Opt-in tools (`--with`): their credential files travel too. */
const TOOL_BUNDLES = {
  gh: { name: "gh", files: [{ path: ".config/gh/hosts.yml", from: [{ env: "GH_CONFIG_DIR", path: "hosts.yml" }, { env: "XDG_CONFIG_HOME", path: "gh/hosts.yml" }] }], login: "gh auth login" },
  aws: {
    name: "aws",
    files: [{ path: ".aws/credentials" }, { path: ".aws/config", configOnly: true }],
    login: "aws configure (or aws sso login)",
  },
  gcloud: { name: "gcloud", files: [{ path: ".config/gcloud/application_default_credentials.json", from: [{ env: "CLOUDSDK_CONFIG", path: "application_default_credentials.json" }] }], login: "gcloud auth application-default login" },
  scw: { name: "scw", files: [{ path: ".config/scw/config.yaml", from: [{ env: "XDG_CONFIG_HOME", path: "scw/config.yaml" }] }], login: "scw init" },
  npm: { name: "npm", files: [{ path: ".npmrc" }], login: "npm login" },
  docker: { name: "docker", files: [{ path: ".docker/config.json", from: [{ env: "DOCKER_CONFIG", path: "config.json" }] }], login: "docker login" },
} as const satisfies Record<string, BundleSpec>;

export type CredentialTool = keyof typeof TOOL_BUNDLES;
export const CREDENTIAL_TOOLS = Object.keys(TOOL_BUNDLES) as readonly CredentialTool[];

export const profileBundleSpec = (profile: CliProfile): BundleSpec => PROFILE_BUNDLES[profile];
export const toolBundleSpec = (tool: CredentialTool): BundleSpec => TOOL_BUNDLES[tool];

/** `--with gh,aws` (repeatable, comma-separated) -> the tools, deduplicated in the order given; an unknown one is a usage error. */
export function parseCredentialTools(values: readonly string[]): CredentialTool[] {
  const tools: CredentialTool[] = [];
  for (const word of values.flatMap((v) => v.split(",")).map((w) => w.trim().toLowerCase())) {
    if (word === "") continue;
    if (!(CREDENTIAL_TOOLS as readonly string[]).includes(word)) {
      const near = closestMatch(word, CREDENTIAL_TOOLS);
      throw new RemoteError(
        "UNKNOWN_CREDENTIAL_TOOL",
        `Cannot bundle the credentials of '${word}': not a known tool (known: ${CREDENTIAL_TOOLS.join(", ")})`,
        near ? `Did you mean --with ${near}?` : `Pass --with with some of ${CREDENTIAL_TOOLS.join(", ")}.`,
        "usage",
      );
    }
    if (!tools.includes(word as CredentialTool)) tools.push(word as CredentialTool);
  }
  return tools;
}

/** The specs a session's bundle is made of: its profile's, then each tool's. */
export const bundleSpecsFor = (profile: CliProfile, tools: readonly CredentialTool[]): readonly BundleSpec[] => [profileBundleSpec(profile), ...tools.map(toolBundleSpec)];

/** The person's HOME and the variables that move a CLI's files elsewhere (read in wiring, passed in). */
export type SourceEnv = { readonly HOME: string } & Readonly<Record<string, string | undefined>>;

/** Where the person's own copy of a file is: the first `from` whose variable is set (absolute), else HOME/path. */
export function sourcePathOf(file: CredentialFileSpec, env: SourceEnv): string {
  for (const override of file.from ?? []) {
    const dir = env[override.env];
    if (dir !== undefined && dir.startsWith("/")) return `${dir.replace(/\/+$/, "")}/${override.path}`;
  }
  return `${env.HOME.replace(/\/+$/, "")}/${file.path}`;
}

/** The profile's required files are missing: say which, where we looked, how to log in, and how to go without. */
export function missingRequiredError(spec: BundleSpec, missing: readonly { readonly path: string; readonly source: string }[], optedIn = false): RemoteError {
  const where = missing.map((m) => (m.source.endsWith(`/${m.path}`) ? m.source : `${m.source} (for ~/${m.path})`)).join(", ");
  const what = optedIn ? "none of its files exists" : missing.length === 1 ? "the required file is missing" : "required files are missing";
  return new RemoteError(
    "CREDENTIALS_MISSING",
    `Cannot bundle the ${spec.name} credentials: ${what} (expected ${where})`,
    `Log in with \`${spec.login ?? spec.name}\` on this machine${optedIn ? `, or drop ${spec.name} from --with` : ", or start without credentials with --no-auth"}.`,
    "unavailable",
  );
}
