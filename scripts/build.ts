/** Compiles the standalone binary dist/remote (one file; flags and why in compile-args.ts). */
import { mkdirSync } from "node:fs";
import { compileArgs } from "./compile-args.ts";

mkdirSync("dist", { recursive: true });
const proc = Bun.spawn([process.execPath, ...compileArgs("src/main.ts", "dist/remote")], { stdout: "inherit", stderr: "inherit" });
process.exit(await proc.exited);
