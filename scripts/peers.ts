/**
 * `npm run test:peers`: the opt-in suite against the real agent CLIs from npm (SPEC §9).
 * They are large (100-400 MB each), so they are installed once into a cache directory
 * (REMOTE_PEERS_DIR, default /tmp/peers) on first use and reused; then test/peers runs
 * with REMOTE_PEERS_BIN pointing at their bins (without it those tests skip, so the
 * default `npm test` stays fast and offline).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.REMOTE_PEERS_DIR ?? "/tmp/peers";
const bin = join(dir, "node_modules", ".bin");
const PACKAGES: Record<string, string> = { claude: "@anthropic-ai/claude-code", codex: "@openai/codex", gemini: "@google/gemini-cli", opencode: "opencode-ai" };

const missing = Object.keys(PACKAGES).filter((cli) => !existsSync(join(bin, cli)));
if (missing.length > 0) {
  mkdirSync(dir, { recursive: true });
  // claude and opencode fetch their platform binary in a postinstall script: allowed by name (SPEC §2).
  if (!existsSync(join(dir, "package.json"))) writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "remote-peers", private: true, allowScripts: { "@anthropic-ai/claude-code": true, "opencode-ai": true } }, null, 2)}\n`);
  console.error(`installing the real CLIs into ${dir}: ${missing.map((cli) => PACKAGES[cli]).join(", ")}`);
  const install = Bun.spawnSync(["npm", "install", "--prefix", dir, "--no-audit", "--no-fund", ...missing.map((cli) => PACKAGES[cli] as string)], { stdout: "inherit", stderr: "inherit" });
  if (install.exitCode !== 0) {
    console.error(`could not install the real CLIs (is the npm registry reachable?): exit ${install.exitCode}`);
    process.exit(1);
  }
}

const tests = process.argv.slice(2);
const run = Bun.spawnSync([process.execPath, "test", "--timeout", "180000", ...(tests.length > 0 ? tests : ["test/peers"])], { env: { ...process.env, REMOTE_PEERS_BIN: bin }, stdout: "inherit", stderr: "inherit" });
process.exit(run.exitCode ?? 1);
