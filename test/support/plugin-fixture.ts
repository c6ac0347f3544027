/**
 * The test plugin as a person would add it: `npm pack` of test/fixtures/plugins/<pkg> (no
 * network: a local directory), giving the .tgz that `remote plugin add` takes as its spec.
 * `version` packs a copy with another version (an upgrade).
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./cli.ts";

export function packFixturePlugin(pkg = "demo-plugin", version?: string): { tarball: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "remote-plugin-pack-"));
  let source = join(repoRoot, "test/fixtures/plugins", pkg);
  if (version !== undefined) {
    const copy = join(dir, "src");
    cpSync(source, copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(copy, "package.json"), "utf8")) as { version: string };
    writeFileSync(join(copy, "package.json"), JSON.stringify({ ...manifest, version }, null, 2));
    source = copy;
  }
  const packed = Bun.spawnSync(["npm", "pack", source, "--json", "--pack-destination", dir], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, npm_config_cache: join(dir, ".npm") } });
  if (packed.exitCode !== 0) throw new Error(`npm pack failed: ${packed.stderr.toString()}`);
  const [first] = JSON.parse(packed.stdout.toString()) as { filename: string }[];
  return { tarball: join(dir, first?.filename ?? ""), dir };
}
