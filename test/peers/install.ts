import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Real agent CLIs for the peers suite, pinned, installed once outside the repo (they are 100-400 MB). */
const PINNED: Readonly<Record<string, string>> = { "@anthropic-ai/claude-code": "2.1.197", "@openai/codex": "0.169.0" };

/** The folder holding the CLI's bin, installing it with npm on first use (REMOTE_PEERS_DIR, default a cache dir in tmp). */
export async function realCliBin(pkg: string, bin: string): Promise<string> {
  const dir = process.env.REMOTE_PEERS_DIR ?? join(tmpdir(), "remote-peers");
  const binDir = join(dir, "node_modules", ".bin");
  if (existsSync(join(binDir, bin))) return binDir;
  mkdirSync(dir, { recursive: true });
  const proc = Bun.spawn(["npm", "install", "--no-audit", "--no-fund", "--prefix", dir, `${pkg}@${PINNED[pkg] ?? "latest"}`], { stdout: "inherit", stderr: "inherit" });
  if ((await proc.exited) !== 0) throw new Error(`npm install ${pkg} failed`);
  return binDir;
}
