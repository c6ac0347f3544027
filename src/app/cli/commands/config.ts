import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import type { CliContext } from "../context.ts";
import { configuredUrl, remoteToken, setRemoteToken, setRemoteUrl, tokenFileFor } from "../../remote/config.ts";

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
    meta: { name: "set", description: "Set `remote URL`, or `token -` (read from stdin, stored 0600)." },
    args: {
      key: { type: "positional", required: true, description: KEYS },
      value: { type: "positional", required: true, description: "The URL, or - for the token (never the token itself: argv is visible in ps)" },
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
        const file = setRemoteToken(deps, await readTokenFromStdin());
        deps.stderr(`token stored in ${file} (mode 0600)\n`);
        return;
      }
      throw unknownKey(args.key);
    },
  });

const get = (ctx: CliContext) =>
  defineCommand({
    meta: { name: "get", description: "Print `remote` (the URL and where it comes from), or where the `token` comes from (never its value)." },
    args: { key: { type: "positional", required: true, description: KEYS } },
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
        const token = remoteToken(deps);
        if (!token) {
          deps.stderr(`no token: \`remote config set token -\` (stdin) or REMOTE_TOKEN\n`);
          ctx.setExitCode(1);
          return;
        }
        deps.stdout(token.source === "env" ? "REMOTE_TOKEN (environment)\n" : `${tokenFileFor(deps)}\n`);
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
