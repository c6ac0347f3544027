import { existsSync } from "node:fs";
import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { configuredUrl, setRemoteToken, setRemoteUrl, tokenFor } from "../../remote/config.ts";
import { originOf } from "../../../domain/remote-origin.ts";
import { normalizeRemoteUrl } from "../../../domain/remote-target.ts";
import { legacyTokenFileFor, tokensFileFor } from "../../remote/tokens.ts";
import { remoteArg } from "./_remote.ts";

const KEYS = "remote, token";
const unknownKey = (key: string) =>
  new RemoteError("UNKNOWN_CONFIG_KEY", `Cannot use config key '${key}': known keys are ${KEYS}`, "e.g. `remote config set remote http://127.0.0.1:7070`.", "usage");

/** Reads the token from stdin: up to the first newline (a person pasting) or the end (a pipe). */
async function readTokenFromStdin(): Promise<string> {
  const tty = process.stdin.isTTY === true;
  // A pasted secret must not stay on the screen (or in a terminal recording).
  const echo = (on: boolean) => tty && Bun.spawnSync(["stty", on ? "echo" : "-echo"], { stdin: "inherit", stdout: "ignore", stderr: "ignore" });
  if (tty) process.stderr.write("paste the token, then press Enter (it is not shown): ");
  echo(false);
  let text = "";
  try {
    for await (const chunk of process.stdin) {
      text += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk as Uint8Array);
      if (text.includes("\n")) break;
    }
  } finally {
    echo(true);
    if (tty) process.stderr.write("\n");
  }
  return text.split("\n")[0] ?? "";
}

const set = (ctx: CliContext) =>
  defineCommand({
    meta: { name: "set", description: "Set `remote URL`, or `token -` (read from stdin, stored 0600 for the configured remote, or --remote URL)." },
    args: {
      key: { type: "positional", required: true, description: KEYS },
      value: { type: "positional", required: true, description: "The URL, or - for the token (never the token itself: argv is visible in ps)" },
      remote: { ...remoteArg, description: "With `token -`: the control plane the token is for (default: the configured remote)" },
    },
    run: async ({ args }) => {
      const deps = ctx.deps();
      if (args.key === "remote") {
        const url = setRemoteUrl(deps, args.value);
        deps.stderr(`remote set to ${url} in ${deps.config.paths.configFile}\n`);
        return;
      }
      if (args.key === "token") {
        if (args.value !== "-") {
          throw new RemoteError("TOKEN_IN_ARGV", "Cannot take the token as an argument: arguments are visible to every user in `ps` and shell history", "Give it on stdin: `remote config set token - < tokenfile` (or paste it after `remote config set token -`).", "usage");
        }
        const { file, origin } = setRemoteToken(deps, await readTokenFromStdin(), { remote: args.remote });
        deps.stderr(`token for ${origin} stored in ${file} (mode 0600); it is sent to that origin only\n`);
        return;
      }
      throw unknownKey(args.key);
    },
  });

const get = (ctx: CliContext) =>
  defineCommand({
    meta: { name: "get", description: "Print `remote` (the URL and where it comes from), or where the `token` of the configured remote (or --remote URL) comes from (never its value)." },
    args: { key: { type: "positional", required: true, description: KEYS }, remote: { ...remoteArg, description: "With `token`: the control plane to look up (default: the configured remote)" } },
    run: ({ args }) => {
      const deps = ctx.deps();
      if (args.key === "remote") {
        const setting = configuredUrl(deps);
        if (!setting) {
          deps.stderr("no remote configured: `remote config set remote URL` or REMOTE_URL\n");
          ctx.setExitCode(1);
          return;
        }
        deps.stdout(`${setting.url}\n`);
        if (setting.source === "env") deps.stderr("(from REMOTE_URL)\n");
        return;
      }
      if (args.key === "token") {
        const url = args.remote !== undefined ? normalizeRemoteUrl(args.remote) : configuredUrl(deps)?.url;
        const token = url === undefined ? undefined : tokenFor(deps, url);
        if (!token) {
          const forWhom = url === undefined ? "no remote given or configured" : `none stored for ${originOf(url)}`;
          deps.stderr(`no token (${forWhom}): \`remote config set token - [--remote URL]\` reads it from stdin; REMOTE_TOKEN counts only with REMOTE_URL\n`);
          if (existsSync(legacyTokenFileFor(deps))) deps.stderr(`note: ${legacyTokenFileFor(deps)} (from an older version) is tied to the \`remote\` of config.toml once one is set\n`);
          ctx.setExitCode(1);
          return;
        }
        deps.stdout(token.source === "env" ? "REMOTE_TOKEN (environment, for REMOTE_URL)\n" : `${tokensFileFor(deps)} (for ${originOf(url as string)})\n`);
        return;
      }
      throw unknownKey(args.key);
    },
  });

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "config", description: "Client settings: the control plane URL and its token." },
    subCommands: { set: () => set(ctx), get: () => get(ctx) },
  });
