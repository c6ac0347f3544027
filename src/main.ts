#!/usr/bin/env bun
import { runCli } from "./app/cli/run-cli.ts";
import { createRealDeps } from "./wiring.ts";
import pkg from "../package.json" with { type: "json" };

process.exitCode = await runCli(process.argv.slice(2), pkg.version, createRealDeps);
