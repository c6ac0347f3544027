import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import { json, table, type CliContext } from "../context.ts";
import { addAccount, listAccounts, removeAccount } from "../../accounts/manage.ts";
import { jsonArg } from "./_shared.ts";

const readStdin = async () => await new Response(Bun.stdin.stream()).text();

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "account", description: "Provider accounts that delegated jobs rotate through (tokens stored 0600, never shown)." },
    subCommands: {
      add: defineCommand({
        meta: { name: "add", description: "Add an account; --token - reads its API key from stdin." },
        args: {
          id: { type: "positional", required: true, description: "Account id, e.g. work" },
          profile: { type: "string", required: true, description: "claude, codex or gemini" },
          token: { type: "string", description: "'-' to read the key from stdin (never on the command line)" },
        },
        run: async ({ args }) => {
          const deps = ctx.deps();
          if (args.token !== undefined && args.token !== "-") {
            throw new RemoteError("TOKEN_IN_ARGV", "Cannot take a token on the command line: it would be visible in ps and shell history", `Pipe it in: \`printf %s "$KEY" | remote account add ${args.id} --profile ${args.profile} --token -\`.`, "usage");
          }
          const account = addAccount(deps, { id: args.id, profile: args.profile, token: args.token === "-" ? await readStdin() : undefined });
          deps.stdout(`${account.id}\n`);
        },
      }),
      ls: defineCommand({
        meta: { name: "ls", description: "List accounts (never their tokens)." },
        args: { json: jsonArg },
        run: ({ args }) => {
          const deps = ctx.deps();
          const accounts = listAccounts(deps);
          if (args.json) return deps.stdout(json(accounts));
          if (accounts.length === 0) return deps.stderr("no accounts: add one with `remote account add <id> --profile claude --token -`\n");
          deps.stdout(
            table(
              ["ID", "PROFILE", "TOKEN", "STATE", "LAST USED"],
              accounts.map((a) => [a.id, a.profile, a.hasToken ? "set" : "-", a.exhausted ? `exhausted until ${a.exhaustedUntil}` : "ok", a.lastUsedAt ?? "-"]),
            ),
          );
        },
      }),
      rm: defineCommand({
        meta: { name: "rm", description: "Remove an account and its token." },
        args: { id: { type: "positional", required: true } },
        run: ({ args }) => {
          removeAccount(ctx.deps(), args.id);
        },
      }),
    },
  });
