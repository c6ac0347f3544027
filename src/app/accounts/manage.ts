/** `remote account add | ls | rm`: provider accounts for delegated jobs; tokens in 0600 files, never shown. */
import { RemoteError } from "../../domain/errors.ts";
import { accountProfile, isExhausted, validateAccountId, type AccountRecord } from "../../domain/jobs/accounts.ts";
import type { AppDeps } from "../deps.ts";

type Deps = Pick<AppDeps, "accounts" | "secrets" | "clock">;

export function addAccount(deps: Deps, options: { readonly id: string; readonly profile: string; readonly token?: string | undefined }): AccountRecord {
  const id = validateAccountId(options.id);
  const { profile, provider } = accountProfile(options.profile);
  const token = options.token?.trim();
  if (options.token !== undefined && (token === undefined || token === "")) {
    throw new RemoteError("EMPTY_TOKEN", `Cannot add account '${id}': the token read from stdin is empty`, `Pipe it in: \`printf %s "$KEY" | remote account add ${id} --profile ${profile} --token -\`.`, "usage");
  }
  const account: AccountRecord = { id, profile, provider, createdAt: deps.clock.now().toISOString() };
  deps.accounts().add(account);
  if (token !== undefined) deps.secrets.write(id, token);
  return account;
}

export type AccountListing = AccountRecord & { readonly hasToken: boolean; readonly exhausted: boolean };

export function listAccounts(deps: Deps): AccountListing[] {
  const now = deps.clock.now();
  return deps.accounts().list().map((a) => ({ ...a, hasToken: deps.secrets.read(a.id) !== undefined, exhausted: isExhausted(a, now) }));
}

export function removeAccount(deps: Deps, id: string): void {
  if (!deps.accounts().remove(id)) {
    throw new RemoteError("ACCOUNT_NOT_FOUND", `Cannot remove account '${id}': no such account`, "Run `remote account ls` to see accounts.", "not-found");
  }
  deps.secrets.remove(id);
}
