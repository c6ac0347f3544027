/**
 * Control-plane tokens on the client: one per origin (scheme://host:port), in
 * REMOTE_HOME/remote-tokens.json, 0600 from its first byte. A token is looked up by the
 * origin of the URL a request goes to, so it can only ever reach the control plane that
 * issued it. The single `remote-token` file of earlier versions is moved under the
 * origin of config.toml's `remote` the first time tokens are read with one configured.
 */
import { nodeFs } from "../../shared/quick-fs.ts";
import { childPath } from "../../shared/quick-path.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import { originOf } from "../../domain/remote-origin.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";
import type { AppDeps } from "../deps.ts";

type Deps = Pick<AppDeps, "config">;

/** origin -> token, every token one word: checked by hand, so `ls` does not load zod to start. */
const isTokenMap = (value: unknown): value is Record<string, string> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === "string" && /^\S+$/.test(v));

export const tokensFileFor = (deps: Deps) => childPath(deps.config.paths.home, "remote-tokens.json");
/** Where versions before per-origin tokens kept the one token. */
export const legacyTokenFileFor = (deps: Deps) => childPath(deps.config.paths.home, "remote-token");

const corrupt = (file: string, why: string) =>
  new RemoteError("CONFIG_INVALID", `Cannot read the tokens file '${file}': ${why}`, "Move it aside and store each token again with `remote config set token - --remote URL`.", "corrupt");

function readTokensFile(file: string): Record<string, string> {
  if (!nodeFs().existsSync(file)) return {};
  const mode = nodeFs().statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new RemoteError("TOKEN_FILE_OPEN", `Cannot use the tokens file '${file}': others can read it (mode ${mode.toString(8)})`, `Run \`chmod 600 ${file}\`, and ask for new tokens if others may have read them.`, "usage");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(nodeFs().readFileSync(file, "utf8"));
  } catch (error) {
    throw corrupt(file, errorMessage(error));
  }
  if (!isTokenMap(raw)) throw corrupt(file, "expected an object of origin -> token");
  return { ...raw };
}

/**
 * Every stored token by origin. `legacyOwner` is the URL the old single token belonged
 * to (config.toml's `remote`): when given, that file is folded in and removed.
 */
export function storedTokens(deps: Deps, legacyOwner?: string): Readonly<Record<string, string>> {
  const file = tokensFileFor(deps);
  const tokens = readTokensFile(file);
  const legacy = legacyTokenFileFor(deps);
  if (legacyOwner === undefined || !nodeFs().existsSync(legacy)) return tokens;
  const token = nodeFs().readFileSync(legacy, "utf8").trim();
  const origin = originOf(legacyOwner);
  if (token !== "" && tokens[origin] === undefined) {
    tokens[origin] = token;
    writeFileAtomically(file, `${JSON.stringify(tokens, null, 2)}\n`);
  }
  nodeFs().rmSync(legacy, { force: true });
  return tokens;
}

/** Stores `token` for the origin of `url` (replacing one stored before); returns the file. */
export function storeToken(deps: Deps, url: string, token: string): string {
  const file = tokensFileFor(deps);
  const tokens = { ...readTokensFile(file), [originOf(url)]: token };
  writeFileAtomically(file, `${JSON.stringify(tokens, null, 2)}\n`);
  return file;
}
