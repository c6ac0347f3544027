#!/usr/bin/env bun
import pkg from "../package.json" with { type: "json" };
import { runCli } from "./app/cli/run-cli.ts";
import { createRealDeps } from "./wiring.ts";

runCli(process.argv.slice(2), pkg.version, (overrides) => createRealDeps({ ...process.env, ...overrides })).then((code) => {
  process.exitCode = code;
});
