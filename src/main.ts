#!/usr/bin/env bun
import pkg from "../package.json" with { type: "json" };
import { runCli } from "./app/cli/run-cli.ts";
import { colorWanted } from "./domain/ansi.ts";
import { createRealDeps } from "./wiring.ts";

const io = { stdout: (t: string) => void process.stdout.write(t), stderr: (t: string) => void process.stderr.write(t), color: colorWanted(process.env, process.stdout.isTTY === true) };
runCli(process.argv.slice(2), pkg.version, (overrides) => createRealDeps({ ...process.env, ...overrides }), io).then((code) => {
  process.exitCode = code;
});
