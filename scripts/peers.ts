/**
 * `npm run test:peers`: the opt-in suite with the REAL agent CLIs (SPEC §9). Installs the
 * pinned CLIs with npm on first use into REMOTE_PEERS_DIR (default node_modules/.cache/
 * remote-peers; they are 100-400 MB each, so never in the default suite), then runs
 * test/peers with that directory. Extra arguments go to `bun test`.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const PINNED = ["@anthropic-ai/claude-code@2.1.197", "@google/gemini-cli@0.61.0"];
const root = join(import.meta.dir, "..");
const dir = process.env.REMOTE_PEERS_DIR ?? join(root, "node_modules", ".cache", "remote-peers");

const missing = ["claude", "gemini"].filter((name) => !existsSync(join(dir, "node_modules", ".bin", name)));
if (missing.length > 0) {
  mkdirSync(dir, { recursive: true });
  console.error(`installing ${PINNED.join(", ")} into ${dir} (first run only)`);
  // claude needs its postinstall script (it fetches nothing: the binary is in the package).
  const install = Bun.spawnSync(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, ...PINNED], { stdio: ["ignore", "inherit", "inherit"] });
  if (install.exitCode !== 0) process.exit(install.exitCode ?? 1);
}
const test = Bun.spawnSync([process.execPath, "test", "--timeout", "180000", join(root, "test", "peers"), ...process.argv.slice(2)], {
  env: { ...process.env, REMOTE_PEERS_DIR: dir },
  stdio: ["inherit", "inherit", "inherit"],
});
process.exit(test.exitCode ?? 1);
