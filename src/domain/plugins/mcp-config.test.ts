/**
 * The MCP config edits against golden files: a person's own keys, servers, comments and
 * other tables survive add and rm; edits are idempotent; a corrupt file is refused.
 * UPDATE_GOLDEN=1 rewrites the .out files (then read the diff before committing).
 */
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isRemoteError } from "../errors.ts";
import { MCP_CONFIG_FILES, registerMcp, registeredMcp, unregisterMcp, type McpClient } from "./mcp-clients.ts";
import { mergeClaudeMcpServers } from "./mcp-json.ts";
import { upsertCodexMcpServer } from "./codex-toml.ts";

const golden = join(import.meta.dir, "golden");
const server = { name: "demo", command: "node", args: ["/home/me/.remote-plugins/lib/node_modules/demo-plugin/dist/mcp.js"] };
const fileOf = (client: McpClient) => MCP_CONFIG_FILES.find((f) => f.client === client) as (typeof MCP_CONFIG_FILES)[number];

function expectGolden(name: string, actual: string) {
  const path = join(golden, name);
  if (process.env.UPDATE_GOLDEN === "1") writeFileSync(path, actual);
  expect(existsSync(path)).toBe(true);
  expect(actual).toBe(readFileSync(path, "utf8"));
}

const cases: [McpClient, string, string][] = [
  ["claude", "claude.in.json", "claude.out.json"],
  ["codex", "codex.in.toml", "codex.out.toml"],
  ["codex", "codex-replace.in.toml", "codex-replace.out.toml"],
  ["gemini", "gemini.in.json", "gemini.out.json"],
  ["agy", "agy.in.json", "agy.out.json"],
  ["opencode", "opencode.in.json", "opencode.out.json"],
];

describe.each(cases)("%s: %s", (client, input, output) => {
  const file = fileOf(client);
  const text = readFileSync(join(golden, input), "utf8");

  test("add matches the golden file and keeps the person's servers", () => {
    const added = registerMcp(file, text, server);
    expectGolden(output, added);
    const registered = registeredMcp(file, added);
    expect(registered.demo).toEqual({ command: "node", args: server.args });
    for (const name of Object.keys(registeredMcp(file, text)).filter((n) => n !== "demo")) expect(registered[name]).toEqual(registeredMcp(file, text)[name]);
  });

  test("add is idempotent: the same string back", () => {
    const once = registerMcp(file, text, server);
    expect(registerMcp(file, once, server)).toBe(once);
  });

  test("rm takes out only ours; rm again changes nothing", () => {
    const removed = unregisterMcp(file, registerMcp(file, text, server), "demo") as string;
    expect(registeredMcp(file, removed).demo).toBeUndefined();
    expect(Object.keys(registeredMcp(file, removed))).toEqual(Object.keys(registeredMcp(file, text)).filter((n) => n !== "demo"));
    expect(unregisterMcp(file, removed, "demo")).toBe(removed);
  });
});

describe("codex TOML keeps the person's text", () => {
  const text = readFileSync(join(golden, "codex.in.toml"), "utf8");
  test("comments and other tables survive add then rm byte for byte", () => {
    const removed = unregisterMcp(fileOf("codex"), registerMcp(fileOf("codex"), text, server), "demo");
    expect(removed).toBe(text);
  });
  test("a replaced section keeps its other keys and the file's comments", () => {
    const out = registerMcp(fileOf("codex"), readFileSync(join(golden, "codex-replace.in.toml"), "utf8"), server);
    expect(out).toContain("# the demo server, registered by an older sync");
    expect(out).toContain("startup_timeout_sec = 20");
    expect(out).not.toContain("/old/path");
  });
  test("a server written as dotted keys is still updated (re-rendered from the data)", () => {
    const out = upsertCodexMcpServer('mcp_servers.demo.command = "old"\n', "demo", "node", ["/x.js"]);
    expect(registeredMcp(fileOf("codex"), out).demo).toEqual({ command: "node", args: ["/x.js"] });
  });
  test("an absent file gets just our table", () => {
    expect(upsertCodexMcpServer("", "demo", "node", ["/x.js"])).toBe('[mcp_servers.demo]\ncommand = "node"\nargs = [ "/x.js" ]\n');
  });
});

describe("a corrupt file is refused with a clear error", () => {
  const corrupt: [McpClient, string][] = [
    ["claude", '{"mcpServers": {"mine": '],
    ["gemini", "[1, 2]"],
    ["agy", '{"mcpServers": "not an object"}'],
    ["opencode", "{ // comments are not JSON\n}"],
    ["codex", '[mcp_servers.mine\ncommand = "x"\n'],
  ];
  test.each(corrupt)("%s", (client, text) => {
    let error: unknown;
    try {
      registerMcp(fileOf(client), text, server);
    } catch (e) {
      error = e;
    }
    expect(isRemoteError(error) && error.code).toBe("MCP_CONFIG_CORRUPT");
    expect((error as Error).message).toContain(`~/${fileOf(client).path}`);
  });
});

test("mergeClaudeMcpServers (the seed API's name) is the claude edit", () => {
  const text = readFileSync(join(golden, "claude.in.json"), "utf8");
  expect(mergeClaudeMcpServers(text, "demo", server.command, server.args)).toBe(registerMcp(fileOf("claude"), text, server));
});
