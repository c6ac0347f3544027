import { chmodSync, copyFileSync, constants, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PluginHomePort } from "../../domain/plugins/home-port.ts";
import { writeFileAtomically } from "../../shared/atomic-file.ts";

/** A HOME on this machine: a session's own (`$REMOTE_HOME/sessions/<id>/home`) or the person's. */
export function createLocalPluginHome(options: { readonly home: string; readonly env: Readonly<Record<string, string>>; readonly label?: string }): PluginHomePort {
  const at = (path: string) => join(options.home, path);
  const read = (path: string) => (existsSync(at(path)) ? { text: readFileSync(at(path), "utf8"), mode: statSync(at(path)).mode & 0o7777 } : undefined);
  return {
    label: options.label ?? "~",
    home: options.home,
    read: async (path) => read(path),
    readAll: async (paths) => paths.map(read),
    write: async (path, text, mode) => {
      mkdirSync(dirname(at(path)), { recursive: true, mode: 0o700 });
      writeFileAtomically(at(path), text, mode);
      chmodSync(at(path), mode); // whatever the umask
    },
    backupOnce: async (path, to) => {
      if (existsSync(at(to)) || !existsSync(at(path))) return;
      copyFileSync(at(path), at(to), constants.COPYFILE_EXCL);
      chmodSync(at(to), statSync(at(path)).mode & 0o7777);
    },
    copyIn: async (localDir, path) => {
      mkdirSync(at(path), { recursive: true, mode: 0o700 });
      cpSync(localDir, at(path), { recursive: true, force: true, verbatimSymlinks: true });
    },
    remove: async (path) => rmSync(at(path), { recursive: true, force: true }),
    realpath: async (path) => (existsSync(at(path)) ? realpathSync(at(path)) : undefined),
    run: async (argv) => {
      const proc = Bun.spawn([...argv], { cwd: options.home, env: { ...options.env, HOME: options.home }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      return { code, stdout, stderr };
    },
  };
}
