import { join } from "node:path";
import { RemoteError } from "../../domain/errors.ts";
import type { NpmPort } from "../../domain/plugins/npm-port.ts";

/** The real npm client. `binary` is npm on the person's PATH; `env` is passed through (npm's cache, registry and proxy settings). */
export function createNpmAdapter(options: { readonly binary: string; readonly env: Readonly<Record<string, string>>; readonly cwd: string }): NpmPort {
  const run = async (what: string, args: readonly string[]) => {
    const proc = Bun.spawn([options.binary, ...args], { cwd: options.cwd, env: { ...options.env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    if (code !== 0) {
      const why = stderr.split("\n").filter((l) => /npm (error|ERR!)/.test(l)).slice(0, 3).join("; ") || stderr.trim().split("\n").pop() || `exit code ${code}`;
      throw new RemoteError("NPM_FAILED", `Cannot ${what}: ${why}`, "Check the package spec (a registry name, a directory or a .tgz) and that npm can reach it.", "unavailable");
    }
    return stdout;
  };
  const quiet = ["--no-audit", "--no-fund", "--loglevel", "error"];
  return {
    pack: async (spec, destDir) => {
      const out = await run(`pack '${spec}'`, ["pack", spec, "--json", "--pack-destination", destDir, "--ignore-scripts", ...quiet]);
      const [first] = JSON.parse(out.slice(out.indexOf("["))) as { name: string; version: string; filename: string }[];
      if (!first) throw new RemoteError("NPM_FAILED", `Cannot pack '${spec}': npm said nothing about it`, "Try `npm pack` of it by hand.", "unavailable");
      return { file: join(destDir, first.filename), name: first.name, version: first.version };
    },
    install: async (tarball, prefix) => {
      await run(`install '${tarball}'`, ["install", "--global", "--prefix", prefix, "--ignore-scripts", ...quiet, tarball]);
    },
  };
}
