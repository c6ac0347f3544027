/**
 * A HOME inside a container or Pod, reached only through the target's exec with argv
 * arrays. The few shell lines below are fixed text run by `sh -c`; every path and mode
 * is a positional argument ($0, $1, ...), never spliced into the script.
 */
import { RemoteError } from "../../domain/errors.ts";
import type { PluginHomePort } from "../../domain/plugins/home-port.ts";
import type { ExecResult } from "../../domain/target-port.ts";

export type TargetExec = (argv: readonly string[], stdin?: Uint8Array) => Promise<ExecResult>;

const READ = 'test -f "$0" || exit 3; stat -c %a "$0" && cat "$0"';
/** Per file: "<mode> <bytes>" then its bytes, or "- 0" for none. */
const READ_ALL = 'for f; do if [ -f "$f" ]; then printf "%s %s\\n" "$(stat -c %a "$f")" "$(wc -c < "$f")"; cat "$f"; else echo "- 0"; fi; done';
const WRITE = 'mkdir -p "${0%/*}" && t="$0.remote-$$.tmp" && cat > "$t" && chmod "$1" "$t" && mv -f "$t" "$0"';
const BACKUP = 'test -e "$1" || test ! -e "$0" || cp -p "$0" "$1"';
const UNTAR = 'mkdir -p "$0" && tar -x -C "$0"';
const IN_HOME = 'cd "$0" && HOME="$0" exec "$@"';

export function createExecPluginHome(options: { readonly exec: TargetExec; readonly home: string; readonly label: string }): PluginHomePort {
  const at = (path: string) => `${options.home}/${path}`;
  const must = async (what: string, argv: readonly string[], stdin?: Uint8Array) => {
    const out = await options.exec(argv, stdin);
    if (out.code !== 0) throw new RemoteError("PLUGIN_EXEC_FAILED", `Cannot ${what} in ${options.label}: ${out.stderr.trim() || `exit code ${out.code}`}`, "Check that the session is running (`remote ls`) and its image has sh, tar, stat and realpath.", "unavailable");
    return out;
  };
  return {
    label: options.label,
    home: options.home,
    read: async (path) => {
      const out = await options.exec(["sh", "-c", READ, at(path)]);
      if (out.code === 3) return undefined;
      if (out.code !== 0) throw new RemoteError("PLUGIN_EXEC_FAILED", `Cannot read '~/${path}' in ${options.label}: ${out.stderr.trim() || `exit code ${out.code}`}`, "Check that the session is running (`remote ls`).", "unavailable");
      const newline = out.stdout.indexOf("\n");
      return { mode: Number.parseInt(out.stdout.slice(0, newline), 8), text: out.stdout.slice(newline + 1) };
    },
    readAll: async (paths) => {
      if (paths.length === 0) return [];
      const out = await must("read its files", ["sh", "-c", READ_ALL, "sh", ...paths.map(at)]);
      return splitFiles(Buffer.from(out.stdout, "utf8"), paths.length);
    },
    write: async (path, text, mode) => void (await must(`write '~/${path}'`, ["sh", "-c", WRITE, at(path), mode.toString(8)], new TextEncoder().encode(text))),
    backupOnce: async (path, to) => void (await must(`back up '~/${path}'`, ["sh", "-c", BACKUP, at(path), at(to)])),
    copyIn: async (localDir, path) => {
      // One tar stream, made here (links stay links), unpacked there.
      const tar = Bun.spawnSync(["tar", "-c", "-C", localDir, "."], { stdout: "pipe", stderr: "pipe" });
      if (tar.exitCode !== 0) throw new Error(`tar of ${localDir} failed: ${tar.stderr.toString()}`);
      await must(`copy into '~/${path}'`, ["sh", "-c", UNTAR, at(path)], tar.stdout);
    },
    remove: async (path) => void (await must(`remove '~/${path}'`, ["rm", "-rf", at(path)])),
    realpath: async (path) => {
      const out = await options.exec(["realpath", "-e", at(path)]);
      return out.code === 0 ? out.stdout.trim() : undefined;
    },
    run: (argv) => options.exec(["sh", "-c", IN_HOME, options.home, ...argv]),
  };
}

/** READ_ALL's output back into files (lengths are bytes: the text is cut as bytes, then decoded). */
function splitFiles(bytes: Buffer, count: number): ({ text: string; mode: number } | undefined)[] {
  const files: ({ text: string; mode: number } | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const newline = bytes.indexOf(10, at);
    if (newline < 0) throw new Error("unexpected end of the files read");
    const [mode, size] = bytes.subarray(at, newline).toString("utf8").trim().split(/\s+/);
    at = newline + 1;
    if (mode === "-") {
      files.push(undefined);
      continue;
    }
    const length = Number(size);
    files.push({ mode: Number.parseInt(mode ?? "", 8), text: bytes.subarray(at, at + length).toString("utf8") });
    at += length;
  }
  return files;
}
