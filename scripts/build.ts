/**
 * Compiles the standalone binary dist/remote (bun build --compile), one file. Start-up is
 * what every attach, `ls` and Claude hook pays, so: bytecode (no parsing at start), and
 * --splitting, so the binary holds one chunk per lazily imported part and loads only those
 * a command uses (one bundle made every command load all of it, ~10 ms and ~12 MiB).
 */
import { mkdirSync } from "node:fs";

mkdirSync("dist", { recursive: true });
const proc = Bun.spawn([process.execPath, "build", "--compile", "--splitting", "--bytecode", "--format=esm", "--minify-syntax", "--sourcemap=none", "src/main.ts", "--outfile", "dist/remote"], {
  stdout: "inherit",
  stderr: "inherit",
});
process.exit(await proc.exited);
