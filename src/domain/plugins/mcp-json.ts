/**
 * MCP servers in the JSON config files of claude (`~/.claude.json` mcpServers), gemini
 * (`~/.gemini/settings.json` mcpServers), agy (`~/.gemini/config/mcp_config.json`
 * mcpServers) and opencode (`opencode.json` mcp). Pure text -> text: unchanged input comes
 * back as the very same string (idempotent, so callers write nothing), every key we do not
 * own is kept in place, the file's indentation is kept, and a file that is not a JSON
 * object is refused (the caller leaves it untouched).
 */
import { RemoteError } from "../errors.ts";

type Json = Record<string, unknown>;

export const mcpConfigCorrupt = (where: string, why: string) =>
  new RemoteError("MCP_CONFIG_CORRUPT", `Cannot edit '${where}': ${why}`, "Fix the file by hand (it was left untouched), then run `remote plugin sync`.", "corrupt");

/** The object in the file; an absent or blank file is an empty one. */
export function readJsonObject(text: string | undefined, where: string): Json {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw mcpConfigCorrupt(where, `it is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isObject(value)) throw mcpConfigCorrupt(where, "it is not a JSON object");
  return value;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The servers table under `key`, refusing one that is not an object. */
function serversOf(root: Json, key: string, where: string): Json {
  const servers = root[key];
  if (servers === undefined) return {};
  if (!isObject(servers)) throw mcpConfigCorrupt(where, `'${key}' is not an object`);
  return servers;
}

/** The indentation the file uses (its first indented line), else two spaces. */
const indentOf = (text: string | undefined) => /\n([ \t]+)\S/.exec(text ?? "")?.[1] ?? "  ";

const render = (root: Json, original: string | undefined) => `${JSON.stringify(root, null, indentOf(original))}\n`;

export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Sets `key.<name>` to `entry`, keeping the keys the person added to that server (env, a
 * timeout) and everything else in the file. Returns `text` itself when nothing changes.
 */
export function upsertJsonMcpServer(text: string | undefined, where: string, key: string, name: string, entry: Json): string {
  const root = readJsonObject(text, where);
  const servers = serversOf(root, key, where);
  const current = servers[name];
  const next = { ...(isObject(current) ? current : {}), ...entry };
  if (isObject(current) && sameJson(current, next) && text !== undefined) return text;
  return render({ ...root, [key]: { ...servers, [name]: next } }, text);
}

/** Drops `key.<name>`; `text` itself when it was not there. An emptied table stays (the person may have made it). */
export function removeJsonMcpServer(text: string | undefined, where: string, key: string, name: string): string | undefined {
  const root = readJsonObject(text, where);
  const servers = serversOf(root, key, where);
  if (!(name in servers)) return text;
  const { [name]: _gone, ...rest } = servers;
  return render({ ...root, [key]: rest }, text);
}

/** The servers registered under `key`, by name. */
export function jsonMcpServers(text: string | undefined, where: string, key: string): Record<string, unknown> {
  return serversOf(readJsonObject(text, where), key, where);
}

/** Idempotent `mcpServers.<name>` merge for a ~/.claude.json body (the seed API's name). */
export function mergeClaudeMcpServers(json: string, name: string, command: string, args: readonly string[]): string {
  return upsertJsonMcpServer(json, "~/.claude.json", "mcpServers", name, { command, args: [...args] });
}
