/**
 * MCP servers in codex's `~/.codex/config.toml` (`[mcp_servers.<name>]` with command and
 * args). The file is edited as text so the person's comments and other tables stay as
 * they were: our section (header to the next header) is rewritten, or a new one appended.
 * smol-toml checks the file before (a corrupt one is refused) and the result after; when
 * the server was written some other way (dotted keys, an inline table) the text edit
 * cannot find it, and the file is re-rendered from its data instead (comments lost there).
 */
import { parse, stringify, type TomlTable } from "smol-toml";
import { mcpConfigCorrupt, sameJson } from "./mcp-json.ts";

const WHERE = "~/.codex/config.toml";

function parseToml(text: string, where: string): TomlTable {
  try {
    return parse(text);
  } catch (error) {
    throw mcpConfigCorrupt(where, `it is not valid TOML (${(error instanceof Error ? error.message : String(error)).split("\n")[0]})`);
  }
}

const isTable = (v: unknown): v is TomlTable => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);

function serversOf(root: TomlTable, where: string): TomlTable {
  const servers = root.mcp_servers;
  if (servers === undefined) return {};
  if (!isTable(servers)) throw mcpConfigCorrupt(where, "'mcp_servers' is not a table");
  return servers;
}

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$/;
/** The dotted key of a header line, quotes dropped (names are plain words: see mcp-spec.ts). */
const headerKey = (line: string) => HEADER.exec(line)?.[1]?.replace(/\s*\.\s*/g, ".").replace(/["']/g, "");

/** Line ranges [start, end) of `[mcp_servers.<name>]` and, with `subtables`, its `[mcp_servers.<name>.*]` tables. */
function sectionsOf(lines: readonly string[], name: string, subtables: boolean): [number, number][] {
  const own = `mcp_servers.${name}`;
  const ranges: [number, number][] = [];
  for (let i = 0; i < lines.length; i++) {
    const key = headerKey(lines[i] as string);
    if (key === undefined || !(key === own || (subtables && key.startsWith(`${own}.`)))) continue;
    let end = i + 1;
    while (end < lines.length && headerKey(lines[end] as string) === undefined) end++;
    ranges.push([i, end]);
  }
  return ranges;
}

/** Trailing blank lines of a section stay outside it (they separate it from the next). */
function trimEnd(lines: readonly string[], [start, end]: [number, number]): [number, number] {
  while (end > start + 1 && (lines[end - 1] as string).trim() === "") end--;
  return [start, end];
}

/**
 * Idempotently upserts `[mcp_servers.<name>]`: an existing section is replaced in place
 * (keeping the person's other keys in it, such as env or timeouts), otherwise the block is
 * appended. Applying it twice returns the same string.
 */
export function upsertCodexMcpServer(toml: string, name: string, command: string, args: readonly string[], where = WHERE): string {
  const root = parseToml(toml, where);
  const current = serversOf(root, where)[name];
  const wanted = { command, args: [...args] };
  if (isTable(current) && current.command === command && sameJson(current.args, wanted.args)) return toml;
  const lines = toml.split("\n");
  const [section] = sectionsOf(lines, name, false);
  let text: string;
  if (section) {
    const [start, end] = trimEnd(lines, section);
    const own = parseToml(lines.slice(start + 1, end).join("\n"), where);
    const block = stringify({ mcp_servers: { [name]: { ...own, ...wanted } } }).trimEnd();
    text = [...lines.slice(0, start), block, ...lines.slice(end)].join("\n");
  } else {
    const block = stringify({ mcp_servers: { [name]: wanted } }).trimEnd();
    const body = toml.replace(/\s*$/, "");
    text = `${body === "" ? "" : `${body}\n\n`}${block}\n`;
  }
  const check = tryParse(text);
  const written = check && serversOf(check, where)[name];
  if (isTable(written) && written.command === command && sameJson(written.args, wanted.args)) return text;
  // Not a section we could find as text: edit the data and render it whole.
  const servers = serversOf(root, where);
  return stringify({ ...root, mcp_servers: { ...servers, [name]: { ...(isTable(current) ? current : {}), ...wanted } } });
}

/** Drops `[mcp_servers.<name>]` and its subtables; the same string when it was not there. */
export function removeCodexMcpServer(toml: string, name: string, where = WHERE): string {
  const root = parseToml(toml, where);
  const servers = serversOf(root, where);
  if (!(name in servers)) return toml;
  const lines = toml.split("\n");
  const drop = new Set<number>();
  for (const [start, end] of sectionsOf(lines, name, true)) for (let i = start; i < end; i++) drop.add(i);
  const text = lines.filter((_, i) => !drop.has(i)).join("\n").replace(/\n{3,}/g, "\n\n");
  const check = tryParse(text);
  if (check && !(name in serversOf(check, where))) return text;
  const { [name]: _gone, ...rest } = servers;
  return stringify({ ...root, mcp_servers: rest });
}

/** The servers in the file, by name. */
export function codexMcpServers(toml: string | undefined, where = WHERE): TomlTable {
  return toml === undefined ? {} : serversOf(parseToml(toml, where), where);
}

function tryParse(text: string): TomlTable | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}
