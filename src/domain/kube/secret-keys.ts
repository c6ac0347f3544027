/**
 * A credential file's HOME-relative path as a Secret key and back. Keys allow only
 * `[-._a-zA-Z0-9]` (no '/'), so every other byte is written `_XX` (hex), '_' included,
 * which makes the encoding reversible: `remote __pod` reads the file names of the mounted
 * Secret and knows each one's path without any mapping beside it (no `items` in the Pod,
 * no annotation). That matters for refresh: a Pod's volumes are immutable, and a Secret
 * updated with one more file (or one fewer) still projects every file at its own name,
 * where index keys (`file-0`, ...) would shift and land one file's bytes at another's path.
 */
import { RemoteError } from "../errors.ts";

const KEPT = /[-.A-Za-z0-9]/;
/** Kubernetes' limit on a key (a DNS subdomain's length). */
const MAX_KEY = 253;

export function secretKeyOf(path: string): string {
  let key = "";
  for (const [i, char] of [...path].entries()) {
    // A key may not start with "..": the kubelet keeps its own `..data` links there.
    const keep = KEPT.test(char) && !(i === 0 && char === "." && path.startsWith(".."));
    key += keep ? char : [...new TextEncoder().encode(char)].map((b) => `_${b.toString(16).padStart(2, "0")}`).join("");
  }
  if (key.length > MAX_KEY) throw new RemoteError("INVALID_PATH", `Cannot put credential file '${path}' in a Secret: its key would pass ${MAX_KEY} characters`, undefined, "invalid");
  return key;
}

/** The path a key stands for, or undefined for a name we did not write (the kubelet's `..data`, a stray file). */
export function pathOfSecretKey(key: string): string | undefined {
  if (key.startsWith("..") || !/^(?:[-.A-Za-z0-9]|_[0-9a-f]{2})+$/.test(key)) return undefined;
  const bytes: number[] = [];
  for (let i = 0; i < key.length; i++) {
    if (key[i] === "_") {
      bytes.push(Number.parseInt(key.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(key.charCodeAt(i));
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}
