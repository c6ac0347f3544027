import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BlobStorePort } from "../../domain/workspace/ports.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed blobs on disk: `<dir>/ab/cdef...` (sha256 hex, fanned out by its first
 * byte). A blob is written whole or not at all (temp file + rename): a crash never leaves
 * half of one, and two writers of the same content write the same bytes.
 */
export function createBlobStore(options: { readonly dir: string }): BlobStorePort {
  // 256 fan-out folders: made once each, not looked for on every put of a 20,000-file push.
  const made = new Set<string>();
  const pathOf = (hash: string) => {
    // The hash names a file: anything but hex never reaches the file system.
    if (!SHA256.test(hash)) throw new Error(`not a sha256: ${hash.slice(0, 80)}`);
    return join(options.dir, hash.slice(0, 2), hash.slice(2));
  };
  return {
    has: (hash) => existsSync(pathOf(hash)),
    put: (bytes) => {
      const hash = sha256(bytes);
      const path = pathOf(hash);
      if (!existsSync(path)) {
        const fan = hash.slice(0, 2);
        if (!made.has(fan)) {
          mkdirSync(join(options.dir, fan), { recursive: true, mode: 0o700 });
          made.add(fan);
        }
        writeFileAtomically(path, bytes, 0o600);
      }
      return hash;
    },
    get: (hash) => {
      const path = pathOf(hash);
      return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
    },
    remove: (hashes) => {
      for (const hash of hashes) rmSync(pathOf(hash), { force: true });
    },
  };
}
