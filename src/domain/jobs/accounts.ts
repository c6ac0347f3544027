/**
 * Provider accounts for delegated jobs (SPEC §5, issue 4): a job runs under one of the
 * accounts of its profile's provider, least recently used first among those not marked
 * exhausted by a throttle; when every one is exhausted it falls back to the other
 * provider's profile (claude ⇄ codex). Pure: the caller passes the accounts and `now`,
 * the store applies the choice in one transaction. Tokens never appear here.
 */
import { RemoteError } from "../errors.ts";
import { coerceCliProfileName } from "../profiles.ts";

export type Provider = "anthropic" | "openai" | "google";

export const PROVIDER_OF: Readonly<Record<string, Provider>> = Object.freeze({ claude: "anthropic", codex: "openai", gemini: "google" });
/** Where the child reads its key: an environment variable, never argv. */
export const TOKEN_ENV: Readonly<Record<Provider, string>> = Object.freeze({ anthropic: "ANTHROPIC_API_KEY", openai: "OPENAI_API_KEY", google: "GEMINI_API_KEY" });
/** When every account of a profile's provider is exhausted, the profile a job falls back to. */
export const FALLBACK_PROFILE: Readonly<Record<string, string>> = Object.freeze({ claude: "codex", codex: "claude" });

export type AccountRecord = {
  readonly id: string;
  readonly profile: string;
  readonly provider: Provider;
  readonly createdAt: string;
  /** ISO time this account was last handed to a job: rotation picks the oldest. */
  readonly lastUsedAt?: string | undefined;
  /** ISO time until which a throttle marked it exhausted. */
  readonly exhaustedUntil?: string | undefined;
};

export function validateAccountId(id: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(id)) {
    throw new RemoteError("INVALID_ACCOUNT", `Cannot use account id '${id}': use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`, "Pick an id like 'work' or 'claude-2'.", "usage");
  }
  return id;
}

/** The profile an account is for (aliases resolved); only profiles whose provider we know take accounts. */
export function accountProfile(name: string): { profile: string; provider: Provider } {
  const profile = coerceCliProfileName(name);
  const provider = profile === undefined ? undefined : PROVIDER_OF[profile];
  if (profile === undefined || provider === undefined) {
    throw new RemoteError("UNSUPPORTED", `Cannot add an account for profile '${name}': accounts exist for ${Object.keys(PROVIDER_OF).join(", ")}`, "Pass --profile claude, codex or gemini.", "usage");
  }
  return { profile, provider };
}

export const providerOf = (profile: string): Provider | undefined => PROVIDER_OF[profile];
export const isExhausted = (account: AccountRecord, now: Date): boolean =>
  account.exhaustedUntil !== undefined && Date.parse(account.exhaustedUntil) > now.getTime();

export type AccountChoice =
  /** No account of that provider is configured: the job uses the ambient credentials. */
  | { readonly kind: "none" }
  | {
      readonly kind: "account";
      readonly account: AccountRecord;
      /** The profile to run: the job's own, or the fallback. */
      readonly profile: string;
      /** Set when the job falls back to another provider's profile. */
      readonly fellBackFrom?: string | undefined;
      /** Every candidate was exhausted: this one frees up soonest. */
      readonly exhausted?: boolean | undefined;
    };

const leastRecentlyUsed = (accounts: readonly AccountRecord[]): AccountRecord | undefined =>
  [...accounts].sort((a, b) => (a.lastUsedAt ?? "").localeCompare(b.lastUsedAt ?? "") || a.id.localeCompare(b.id))[0];

/**
 * The account (and profile) for a job of `profile` now. `forced` (--account) is used as
 * is, and must belong to the profile's provider. `allowFallback` is off on resume: a
 * conversation cannot continue in another provider's CLI.
 */
export function chooseAccount(accounts: readonly AccountRecord[], profile: string, now: Date, options: { forced?: string | undefined; allowFallback?: boolean } = {}): AccountChoice {
  const provider = providerOf(profile);
  if (options.forced !== undefined) {
    const account = accounts.find((a) => a.id === options.forced);
    if (account === undefined) {
      throw new RemoteError("ACCOUNT_NOT_FOUND", `Cannot use account '${options.forced}': no such account`, "Run `remote account ls` to see accounts, or add one with `remote account add <id> --profile P --token -`.", "usage");
    }
    if (account.provider !== provider) {
      throw new RemoteError("ACCOUNT_MISMATCH", `Cannot run profile '${profile}' with account '${account.id}': it is a ${account.profile} account`, `Pick a ${profile} account (\`remote account ls\`) or delegate to ${account.profile}.`, "usage");
    }
    return { kind: "account", account, profile };
  }
  if (provider === undefined) return { kind: "none" };
  const own = accounts.filter((a) => a.provider === provider);
  if (own.length === 0) return { kind: "none" };
  const fresh = leastRecentlyUsed(own.filter((a) => !isExhausted(a, now)));
  if (fresh !== undefined) return { kind: "account", account: fresh, profile };
  const fallback = FALLBACK_PROFILE[profile];
  const fallbackProvider = fallback === undefined ? undefined : providerOf(fallback);
  if (options.allowFallback !== false && fallback !== undefined && fallbackProvider !== undefined) {
    const other = leastRecentlyUsed(accounts.filter((a) => a.provider === fallbackProvider && !isExhausted(a, now)));
    if (other !== undefined) return { kind: "account", account: other, profile: fallback, fellBackFrom: profile };
  }
  const soonest = [...own].sort((a, b) => (a.exhaustedUntil ?? "").localeCompare(b.exhaustedUntil ?? "") || a.id.localeCompare(b.id))[0] as AccountRecord;
  return { kind: "account", account: soonest, profile, exhausted: true };
}
