import type { HomeFilesPort } from "../../domain/ports.ts";
import { unreadable } from "./home-files.ts";

/** The test fake: absolute path -> content; a path mapped to "dir" is a directory (refused like the real one). */
export function createMemoryHomeFiles(files: Readonly<Record<string, string | Uint8Array | "dir">> = {}): HomeFilesPort & { readonly put: (path: string, content: string | Uint8Array) => void } {
  const entries = new Map(Object.entries(files));
  return {
    put: (path, content) => void entries.set(path, content),
    read: (path) => {
      const entry = entries.get(path);
      if (entry === undefined) return undefined;
      if (entry === "dir") throw unreadable(path, "it is not a regular file");
      return typeof entry === "string" ? new TextEncoder().encode(entry) : entry;
    },
  };
}
