/**
 * Where each agent CLI keeps its MCP servers (SPEC §2), HOME-relative, and the one edit
 * per format: `registerMcp` / `unregisterMcp` return the file's new text (the very same
 * string when nothing changes) and `registeredMcp` reads what is there, normalised to
 * {command, args}. A corrupt file throws MCP_CONFIG_CORRUPT before anything is decided.
 */
import { codexMcpServers, removeCodexMcpServer, upsertCodexMcpServer } from "./codex-toml.ts";
import { jsonMcpServers, removeJsonMcpServer, upsertJsonMcpServer } from "./mcp-json.ts";

export type McpClient = "claude" | "codex" | "gemini" | "agy" | "opencode";
export type McpConfigFile = { readonly client: McpClient; readonly path: string };
export type McpServer = { readonly name: string; readonly command: string; readonly args: readonly string[] };

export const MCP_CONFIG_FILES: readonly McpConfigFile[] = [
  { client: "claude", path: ".claude.json" },
  { client: "codex", path: ".codex/config.toml" },
  { client: "gemini", path: ".gemini/settings.json" },
  // agy has no `mcp` subcommand: its servers live in this Claude-style file.
  { client: "agy", path: ".gemini/config/mcp_config.json" },
  // opencode's global config (a project's own opencode.json is the person's business).
  { client: "opencode", path: ".config/opencode/opencode.json" },
];

/** JSON files: which key holds the servers, and one server's entry as that CLI writes it. */
const JSON_SHAPES: Record<Exclude<McpClient, "codex">, { key: string; entry: (s: McpServer) => Record<string, unknown>; read: (v: unknown) => Omit<McpServer, "name"> | undefined }> = {
  claude: { key: "mcpServers", entry: (s) => ({ command: s.command, args: [...s.args] }), read: (v) => commandArgs(v) },
  gemini: { key: "mcpServers", entry: (s) => ({ command: s.command, args: [...s.args] }), read: (v) => commandArgs(v) },
  agy: { key: "mcpServers", entry: (s) => ({ command: s.command, args: [...s.args] }), read: (v) => commandArgs(v) },
  // opencode: {type: "local", command: [program, ...args]}.
  opencode: {
    key: "mcp",
    entry: (s) => ({ type: "local", command: [s.command, ...s.args], enabled: true }),
    read: (v) => {
      const command = (v as { command?: unknown } | null)?.command;
      return Array.isArray(command) && typeof command[0] === "string" ? { command: command[0], args: command.slice(1).map(String) } : undefined;
    },
  },
};

function commandArgs(v: unknown): Omit<McpServer, "name"> | undefined {
  const { command, args } = (v ?? {}) as { command?: unknown; args?: unknown };
  if (typeof command !== "string") return undefined;
  return { command, args: Array.isArray(args) ? args.map(String) : [] };
}

const label = (file: McpConfigFile) => `~/${file.path}`;

export function registerMcp(file: McpConfigFile, text: string | undefined, server: McpServer): string {
  if (file.client === "codex") return upsertCodexMcpServer(text ?? "", server.name, server.command, server.args, label(file));
  const shape = JSON_SHAPES[file.client];
  return upsertJsonMcpServer(text, label(file), shape.key, server.name, shape.entry(server));
}

export function unregisterMcp(file: McpConfigFile, text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  if (file.client === "codex") return removeCodexMcpServer(text, name, label(file));
  return removeJsonMcpServer(text, label(file), JSON_SHAPES[file.client].key, name);
}

/** The servers the file registers, by name ({command, args}; an entry of another shape reads as undefined). */
export function registeredMcp(file: McpConfigFile, text: string | undefined): Record<string, Omit<McpServer, "name"> | undefined> {
  if (file.client === "codex") return Object.fromEntries(Object.entries(codexMcpServers(text, label(file))).map(([name, v]) => [name, commandArgs(v)]));
  const shape = JSON_SHAPES[file.client];
  return Object.fromEntries(Object.entries(jsonMcpServers(text, label(file), shape.key)).map(([name, v]) => [name, shape.read(v)]));
}
