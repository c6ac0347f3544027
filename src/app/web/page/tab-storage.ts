/// <reference lib="dom" />
/**
 * What the page keeps for this tab only (sessionStorage: gone when the tab closes, never
 * shared with other tabs): the control plane's token and the tab's attach clientId.
 */

const TOKEN_KEY = "remote.token";
const CLIENT_ID_KEY = "remote.clientId";

/** sessionStorage can be off (privacy modes); the page then asks again after a reload. */
function storage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

export function loadToken(): string | undefined {
  return storage()?.getItem(TOKEN_KEY) ?? undefined;
}

export function saveToken(token: string): void {
  storage()?.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  storage()?.removeItem(TOKEN_KEY);
}

/**
 * Stable across reloads and reconnects of this tab: the host dedupes inputs per clientId.
 * Made with getRandomValues, which (unlike randomUUID) also works on plain-http origins.
 */
export function tabClientId(): string {
  const kept = storage()?.getItem(CLIENT_ID_KEY);
  if (kept) return kept;
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  const id = `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
  storage()?.setItem(CLIENT_ID_KEY, id);
  return id;
}
