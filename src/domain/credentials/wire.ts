/**
 * A bundle on the wire: HOME-relative path -> base64. POST /sessions and the refresh route
 * take it, and `remote __credentials` reads it on stdin inside a container (a credential
 * travels in a body or on stdin, never in args or env).
 */
export const credentialsAsBase64 = (files: readonly { readonly path: string; readonly content: Uint8Array }[]): Record<string, string> =>
  Object.fromEntries(files.map((f) => [f.path, Buffer.from(f.content).toString("base64")]));

/** What `remote __credentials` reads on stdin. */
export const credentialsInput = (files: readonly { readonly path: string; readonly content: Uint8Array }[]): Uint8Array => new TextEncoder().encode(JSON.stringify(credentialsAsBase64(files)));
