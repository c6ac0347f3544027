/**
 * The few synchronous file calls the quick commands (ls, send, attach, a Claude hook) make, without
 * node:fs where libc can answer: loading node:fs costs every start ~1.9 ms of CPU, more than
 * anything else these commands do, while libc through bun:ffi costs ~0.6 ms. Linux (x86-64,
 * arm64) only; anywhere else, or whenever libc's answer is not the plain case (a failed call, a
 * link where the target counts), node:fs answers, so results and errors stay node:fs's own.
 */

/** node:fs, loaded on its first use (see above). */
export const nodeFs = (): typeof import("node:fs") => require("node:fs") as typeof import("node:fs");

/** What an lstat says of a path, as much as the private-dir rules and an existence check need. */
export type PathFacts = { readonly isSymbolicLink: boolean; readonly isDirectory: boolean; readonly isFile: boolean; readonly uid: number; readonly mode: number };

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
const S_IFCHR = 0o020000;
const O_CLOEXEC = 0o2000000;
/** O_WRONLY | O_CREAT | O_EXCL: a new file of ours, never one already there. */
const O_CREATE_NEW = 0o1 | 0o100 | 0o200;
/** Where struct stat keeps st_mode and st_uid (32 bits), st_dev, st_ino and st_rdev (64 bits): x86-64's own layout, and the generic one of arm64. */
const STAT_LAYOUT: Readonly<Record<string, { mode: number; uid: number; dev: number; ino: number; rdev: number }>> = {
  x64: { mode: 24, uid: 28, dev: 0, ino: 8, rdev: 40 },
  arm64: { mode: 16, uid: 24, dev: 0, ino: 8, rdev: 32 },
};

function openLibc() {
  const layout = STAT_LAYOUT[process.arch];
  if (process.platform !== "linux" || layout === undefined) return undefined;
  try {
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    // lstat is a libc symbol since glibc 2.33; an older libc (or musl's name) fails here and node:fs answers.
    const { symbols } = dlopen("libc.so.6", {
      lstat: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      fstat: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
      open: { args: [FFIType.ptr, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
      read: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
      write: { args: [FFIType.i32, FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
      close: { args: [FFIType.i32], returns: FFIType.i32 },
      rename: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
      unlink: { args: [FFIType.ptr], returns: FFIType.i32 },
      // For quick-socket.ts: one libc handle per process (each dlopen through bun:ffi costs ~0.1 ms).
      socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
      connect: { args: [FFIType.i32, FFIType.ptr, FFIType.u32], returns: FFIType.i32 },
      poll: { args: [FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i32 },
    });
    return { ...symbols, layout };
  } catch {
    return undefined;
  }
}

let libc: ReturnType<typeof openLibc> | null = null;
/** The process's one libc handle (undefined where there is none: not Linux, an old libc). */
export const lib = () => (libc === null ? (libc = openLibc()) : libc);

const encoder = new TextEncoder();
const cPath = (path: string) => encoder.encode(`${path}\0`);
const statBuffer = new Uint8Array(256);

/** libc's lstat, or undefined when it failed (or there is no libc here). */
function libcLstat(path: string): PathFacts | undefined {
  const c = lib();
  if (!c || c.lstat(cPath(path), statBuffer) !== 0) return undefined;
  const view = new DataView(statBuffer.buffer);
  const mode = view.getUint32(c.layout.mode, true);
  const type = mode & S_IFMT;
  return { isSymbolicLink: type === S_IFLNK, isDirectory: type === S_IFDIR, isFile: type === S_IFREG, uid: view.getUint32(c.layout.uid, true), mode: mode & 0o7777 };
}

/** lstat(2): undefined when nothing is there; other failures throw, as node:fs's lstatSync does (it answers whenever libc failed). */
export function lstatFacts(path: string): PathFacts | undefined {
  const facts = libcLstat(path);
  if (facts) return facts;
  const s = nodeFs().lstatSync(path, { throwIfNoEntry: false });
  return s === undefined ? undefined : { isSymbolicLink: s.isSymbolicLink(), isDirectory: s.isDirectory(), isFile: s.isFile(), uid: s.uid, mode: s.mode & 0o7777 };
}

/** Is `fd` a character device (a terminal, /dev/null)? fstat(2); node:fs's fstatSync where libc cannot say. */
export function isCharacterDevice(fd: number): boolean {
  const c = lib();
  if (c && c.fstat(fd, statBuffer) === 0) return (new DataView(statBuffer.buffer).getUint32(c.layout.mode, true) & S_IFMT) === S_IFCHR;
  return nodeFs().fstatSync(fd).isCharacterDevice();
}

/**
 * The device, inode and device number of what `fd` is open on (fstat), as node:fs's fstatSync
 * gives them: through libc on an attach's way to its first screen (to name the terminal to a
 * session host), where loading node:fs would cost more (~1-2 ms) than all the rest of the
 * attach's own work; node:fs where libc cannot say.
 */
export function deviceOf(fd: number): { dev: number; ino: number; rdev: number } {
  const c = lib();
  if (c && c.fstat(fd, statBuffer) === 0) {
    const view = new DataView(statBuffer.buffer);
    const field = (at: number) => Number(view.getBigUint64(at, true));
    return { dev: field(c.layout.dev), ino: field(c.layout.ino), rdev: field(c.layout.rdev) };
  }
  const st = nodeFs().fstatSync(fd);
  return { dev: st.dev, ino: st.ino, rdev: st.rdev };
}

/**
 * existsSync: is there something at `path`, a link counting by its target. A failed lstat means a
 * failed stat too (missing, or a parent we may not search), where existsSync says false as well.
 */
export function pathExists(path: string): boolean {
  if (lib()) {
    const facts = libcLstat(path);
    if (facts === undefined) return false;
    if (!facts.isSymbolicLink) return true;
  }
  return nodeFs().existsSync(path);
}

/** A small file's whole text (a /proc file, a config file), or undefined when it cannot be opened (it is not there). */
export function readTextIfThere(path: string): string | undefined {
  const c = lib();
  if (!c) {
    try {
      return nodeFs().readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  }
  const fd = c.open(cPath(path), O_CLOEXEC, 0);
  if (fd < 0) return undefined;
  try {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const chunk = new Uint8Array(4096);
      const n = c.read(fd, chunk, chunk.length);
      if (n < 0) return nodeFs().readFileSync(path, "utf8");
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
    }
    return new TextDecoder().decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  } finally {
    c.close(fd);
  }
}

/** write(2) of as much of `bytes` as the descriptor takes now: the count, or -1 when libc cannot say (then node:fs's writeSync, with its errors). */
export function writeSome(fd: number, bytes: Uint8Array): number {
  const c = lib();
  if (!c) return -1;
  return c.write(fd, bytes, bytes.length);
}

/**
 * Writes `content` to the new file `temp` (created with `mode`, failing if it exists), then renames
 * it over `path`: true when libc did all of it. False, with nothing left behind, when it could not
 * (no libc here, or any call failed): the caller then does it with node:fs, whose errors say why.
 */
export function createThenRename(temp: string, path: string, content: Uint8Array, mode: number): boolean {
  const c = lib();
  if (!c) return false;
  const fd = c.open(cPath(temp), O_CREATE_NEW | O_CLOEXEC, mode);
  if (fd < 0) return false;
  let rest = content;
  for (let n = 0; rest.length > 0 && (n = c.write(fd, rest, rest.length)) > 0; ) rest = rest.subarray(n);
  const closed = c.close(fd) === 0;
  if (rest.length === 0 && closed && c.rename(cPath(temp), cPath(path)) === 0) return true;
  c.unlink(cPath(temp));
  return false;
}
