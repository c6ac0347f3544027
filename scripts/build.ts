/** Compiles the standalone binary dist/remote (bun build --compile). Bytecode halves start-up time, which every attach pays. */
import { mkdirSync } from "node:fs";

mkdirSync("dist", { recursive: true });
const proc = Bun.spawn([process.execPath, "build", "--compile", "--bytecode", "--format=esm", "--minify-syntax", "--sourcemap=none", "src/main.ts", "--outfile", "dist/remote"], {
  stdout: "inherit",
  stderr: "inherit",
});
process.exit(await proc.exited);
