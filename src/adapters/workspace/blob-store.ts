import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { BlobStorePort } from "../../domain/workspace/ports.ts";
import { createFileAtomically } from "../../shared/atomic-file.ts";

const sha256 = (bytes: Uint8Array) => new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Content-addressed blobs on disk: `<dir>/ab/cdef...` (sha256 hex, fanned out by its first
 * byte). A blob is created whole or not at all (temp file + link), so a crash or two
 * writers of the same content never leave half of one.
 */
export function createBlobStore(options: { readonly dir: string }): BlobStorePort {
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
        mkdirSync(join(options.dir, hash.slice(0, 2)), { recursive: true, mode: 0o700 });
        createFileAtomically(path, bytes, 0o600);
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
