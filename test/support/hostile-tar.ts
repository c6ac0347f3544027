/**
 * Tar archives with whatever a hostile peer could put in them (`..`, absolute paths,
 * links out, devices, fifos, hard links, duplicates), written with the `tar` package's own
 * header encoders so the bytes are what a real tar would read.
 */
import { Header, Pax } from "tar";

export type RawMember = {
  readonly path: string;
  readonly type: "File" | "SymbolicLink" | "Link" | "Directory" | "CharacterDevice" | "BlockDevice" | "FIFO";
  readonly linkpath?: string;
  readonly data?: string | Uint8Array;
  readonly mode?: number;
};

export function rawTar(members: readonly RawMember[], gzip = false): Uint8Array {
  const parts: Buffer[] = [];
  for (const m of members) {
    const data = m.type === "File" ? Buffer.from(m.data ?? "") : Buffer.alloc(0);
    const fields = { path: m.path, mode: m.mode ?? (m.type === "Directory" ? 0o755 : 0o644), size: data.length, type: m.type, mtime: new Date(0), uid: 0, gid: 0, ...(m.linkpath ? { linkpath: m.linkpath } : {}) };
    const block = Buffer.alloc(512);
    if (new Header(fields).encode(block, 0)) parts.push(new Pax({ path: m.path, ...(m.linkpath ? { linkpath: m.linkpath } : {}) }).encode());
    parts.push(block, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  const tar = new Uint8Array(Buffer.concat(parts));
  return gzip ? Bun.gzipSync(tar) : tar;
}

/** Every file under `dir` (relative path -> content or link target), for before/after comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const { readdirSync, lstatSync, readFileSync, readlinkSync } = require("node:fs") as typeof import("node:fs");
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(rel === "" ? dir : `${dir}/${rel}`)) {
      const path = rel === "" ? name : `${rel}/${name}`;
      const stat = lstatSync(`${dir}/${path}`);
      if (stat.isSymbolicLink()) out[path] = `-> ${readlinkSync(`${dir}/${path}`)}`;
      else if (stat.isDirectory()) {
        out[`${path}/`] = "dir";
        walk(path);
      } else if (stat.isFile()) out[path] = readFileSync(`${dir}/${path}`, "utf8");
      else out[path] = "special";
    }
  };
  walk("");
  return out;
}
