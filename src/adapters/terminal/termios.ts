/**
 * The person's terminal modes, through libc: termios saved and restored byte for byte (what
 * `stty -g` and `stty <saved>` do, without a process), cfmakeraw for full raw mode (output
 * post-processing off too: Bun's setRawMode keeps OPOST, so a program's `\n` would reach the
 * person as `\r\n`), isatty, the window size, and the path a /proc/self/fd entry links to (to name
 * the terminal to a session host). Where libc cannot be opened, `stty` does the modes and the
 * caller (or node:fs) falls back for the rest.
 */
import { nodeFs } from "../../shared/quick-fs.ts";

const TCSADRAIN = 1;
/** TIOCGWINSZ is Linux's number; elsewhere the size comes from the stream (see windowSize). */
const TIOCGWINSZ_LINUX = 0x5413;
/** struct termios is 60 bytes on Linux and 72 on macOS: a larger buffer holds either, copied whole. */
const TERMIOS_BYTES = 256;

function openLibc() {
  try {
    // Required here, not imported: only an attach needs it, and every command loads this file.
    const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
    return dlopen(process.platform === "darwin" ? "libSystem.B.dylib" : "libc.so.6", {
      tcgetattr: { args: [FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
      tcsetattr: { args: [FFIType.i32, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
      cfmakeraw: { args: [FFIType.ptr], returns: FFIType.void },
      isatty: { args: [FFIType.i32], returns: FFIType.i32 },
      ioctl: { args: [FFIType.i32, FFIType.u64, FFIType.ptr], returns: FFIType.i32 },
      readlink: { args: [FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.i64 },
    }).symbols;
  } catch {
    return undefined;
  }
}

let libc: ReturnType<typeof openLibc> | null = null;
const lib = () => (libc === null ? (libc = openLibc()) : libc);

/** A terminal's saved modes: restoring them puts it back exactly as it was. */
export type SavedModes = { readonly restore: () => void };

const stty = (args: string[]) => Bun.spawnSync(["stty", ...args], { stdin: "inherit", stdout: "pipe", stderr: "ignore" });

/** Puts the terminal on `fd` in full raw mode; returns how to put it back, or undefined if it is not a terminal. */
export function enterRawMode(fd: number): SavedModes | undefined {
  const c = lib();
  if (!c) return enterRawModeWithStty(fd);
  const saved = new Uint8Array(TERMIOS_BYTES);
  if (c.tcgetattr(fd, saved) !== 0) return undefined;
  const raw = saved.slice();
  c.cfmakeraw(raw);
  c.tcsetattr(fd, TCSADRAIN, raw);
  return { restore: () => void c.tcsetattr(fd, TCSADRAIN, saved) };
}

/** Without libc: `stty` on our stdin (only fd 0 can be reached this way). */
function enterRawModeWithStty(fd: number): SavedModes | undefined {
  if (fd !== 0) return undefined;
  const saved = stty(["-g"]);
  if (saved.exitCode !== 0) return undefined;
  const modes = saved.stdout.toString().trim();
  stty(["raw", "-echo"]);
  return { restore: () => void stty([modes]) };
}

export function isTerminal(fd: number): boolean {
  const c = lib();
  if (c) return c.isatty(fd) === 1;
  // Without libc, node:tty answers (it is only loaded here).
  return (require("node:tty") as typeof import("node:tty")).isatty(fd);
}

/** The window size of the terminal on `fd`: undefined when it is not a terminal, "unknown" where it cannot be read here (not Linux, no libc). */
export function windowSize(fd: number): { cols: number; rows: number } | undefined | "unknown" {
  const c = lib();
  if (!c || process.platform !== "linux") return "unknown";
  const winsize = new Uint16Array(4);
  if (c.ioctl(fd, TIOCGWINSZ_LINUX, winsize) !== 0) return undefined;
  const [rows = 0, cols = 0] = winsize;
  return rows > 0 && cols > 0 ? { cols, rows } : undefined;
}

/** readlink(2) of `path` (a /proc/self/fd entry); node:fs's readlinkSync where libc cannot say. */
export function linkTarget(path: string): string {
  const c = lib();
  const target = new Uint8Array(4096);
  const n = c ? Number(c.readlink(new TextEncoder().encode(`${path}\0`), target, target.length)) : -1;
  if (n > 0 && n < target.length) return new TextDecoder().decode(target.subarray(0, n));
  return nodeFs().readlinkSync(path);
}
