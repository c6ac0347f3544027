// The encoders only, not the package's index (create/extract/list/...: ~10 ms of a push's start-up); the Parser is required by unpack.
import { Header } from "tar/header";
import { Pax } from "tar/pax";
import type { ReadEntry } from "tar/read-entry";
import type { ArchiveEntryType, ArchiveLimits } from "../../domain/workspace/archive-rules.ts";
import type { ArchiveItem, ArchivePort, PackItem } from "../../domain/workspace/ports.ts";
import { RemoteError } from "../../domain/errors.ts";

const BLOCK = 512;

const TYPES: Readonly<Record<string, ArchiveEntryType>> = {
  File: "file",
  OldFile: "file",
  ContiguousFile: "file",
  SymbolicLink: "link",
  Directory: "directory",
  GNUDumpDir: "directory",
  Link: "hardlink",
  CharacterDevice: "device",
  BlockDevice: "device",
  FIFO: "fifo",
};

const tooLarge = (what: string) =>
  new RemoteError("ARCHIVE_TOO_LARGE", `Cannot read the archive: ${what}`, "Raise workspace_max_files / workspace_max_bytes in config.toml if the tree is meant to be this big.", "too-large");
const damaged = (why: string) => new RemoteError("INVALID_ARCHIVE", `Cannot read the archive: ${why.slice(0, 300)}`, "Send a tar (optionally gzip) archive.", "invalid");

/** One member: a pax header first when the path or link target does not fit ustar, then the header, the data, the padding. */
function member(item: PackItem, mtime: Date): Buffer[] {
  const file = item.entry.type === "file";
  const data = file ? Buffer.from(item.bytes ?? new Uint8Array(0)) : Buffer.alloc(0);
  const fields = {
    path: item.path,
    mode: file ? (item.entry as { mode: number }).mode : 0o777,
    size: data.length,
    type: file ? ("File" as const) : ("SymbolicLink" as const),
    ...(item.entry.type === "link" ? { linkpath: item.entry.target } : {}),
    mtime,
    uid: 0,
    gid: 0,
  };
  const header = new Header(fields);
  const block = Buffer.alloc(BLOCK);
  const parts: Buffer[] = [];
  if (header.encode(block, 0)) parts.push(new Pax({ path: item.path, ...(item.entry.type === "link" ? { linkpath: item.entry.target } : {}), mtime }).encode());
  parts.push(block, data);
  const pad = (BLOCK - (data.length % BLOCK)) % BLOCK;
  if (pad > 0) parts.push(Buffer.alloc(pad));
  return parts;
}

/**
 * Tar through the `tar` package: its Header/Pax encoders write members from memory (the
 * bytes a push hashed are the bytes it sends), its Parser reads archives (gzip detected).
 * Reading keeps raw paths and types: judging them is checkArchive's job, not this one's.
 */
export function createTarArchive(options: { readonly mtime?: Date } = {}): ArchivePort {
  const mtime = options.mtime ?? new Date(0);
  return {
    pack: (items, packOptions = {}) => {
      const parts = items.flatMap((item) => member(item, mtime));
      parts.push(Buffer.alloc(BLOCK * 2));
      const tar = Buffer.concat(parts);
      return packOptions.gzip ? Bun.gzipSync(tar, { level: 1 }) : new Uint8Array(tar.buffer, tar.byteOffset, tar.length);
    },
    unpack: (archive, limits: ArchiveLimits) =>
      new Promise<ArchiveItem[]>((resolve, reject) => {
        const items: ArchiveItem[] = [];
        let bytes = 0;
        let failed: Error | undefined;
        const fail = (error: Error) => {
          if (failed) return;
          failed = error;
          parser.abort(error);
          reject(error);
        };
        const { Parser } = require("tar/parse") as typeof import("tar/parse");
        const parser = new Parser({
          strict: true,
          onReadEntry: (entry: ReadEntry) => {
            const type = TYPES[entry.type] ?? "other";
            const size = type === "file" ? entry.size : 0;
            if (items.length + 1 > limits.maxFiles) return fail(tooLarge(`more than ${limits.maxFiles} entries (workspace_max_files)`));
            bytes += size;
            if (bytes > limits.maxBytes) return fail(tooLarge(`more than ${limits.maxBytes} bytes of files (workspace_max_bytes)`));
            const header = { path: entry.path, type, size, ...(entry.linkpath ? { linkTarget: entry.linkpath } : {}) };
            if (type !== "file") {
              items.push({ header, mode: entry.mode ?? 0 });
              entry.resume();
              return;
            }
            const chunks: Buffer[] = [];
            entry.on("data", (chunk: Buffer) => chunks.push(chunk));
            entry.on("end", () => items.push({ header, mode: entry.mode ?? 0o644, bytes: new Uint8Array(Buffer.concat(chunks)) }));
          },
        });
        parser.on("error", (error: Error) => fail(damaged(error.message)));
        parser.on("abort", (error: Error) => fail(damaged(error.message)));
        parser.on("end", () => {
          if (!failed) resolve(items);
        });
        try {
          parser.end(Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength));
        } catch (error) {
          fail(damaged(error instanceof Error ? error.message : String(error)));
        }
      }),
  };
}
