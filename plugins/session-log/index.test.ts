import { expect, test } from "bun:test";
import { mkdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, ptyClient, remoteCommand, tempHome } from "../../test/support/cli.ts";

type Line = { event: string; name: string; clients?: number; exitCode?: number };

test("session-log records start, attach, detach and exit of a real session", async () => {
  using home = tempHome();
  const remoteHome = home.env.REMOTE_HOME as string;
  mkdirSync(remoteHome, { recursive: true });
  const file = join(home.dir, "events.jsonl");
  writeFileSync(join(remoteHome, "config.toml"), `plugins = [${JSON.stringify(join(import.meta.dir, "index.ts"))}]\n[plugin.session-log]\nfile = ${JSON.stringify(file)}\n`);

  expect((await cli(home.env, ["run", "shell", "--detach", "--name", "logged", "--", "--norc", "--noprofile", "-i"])).code).toBe(0);
  const client = ptyClient(home.env, [...remoteCommand(), "attach", "logged"]);
  await client.waitFor((s) => /[$#] $/m.test(s), "a prompt");
  client.type("\x10\x11");
  await client.proc.exited;
  const exitLogged = new Promise<void>((resolve) => {
    const watcher = watch(file, () => {
      if (readFileSync(file, "utf8").includes("session:exit")) {
        watcher.close();
        resolve();
      }
    });
  });
  await cli(home.env, ["send", "logged", "exit 3", "--enter"]);
  await exitLogged;
  const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Line);
  expect(lines.map((l) => l.event)).toEqual(["session:start", "session:attach", "session:detach", "session:exit"]);
  expect(lines.every((l) => l.name === "logged")).toBe(true);
  expect(lines[1]?.clients).toBe(1);
  expect(lines[3]?.exitCode).toBe(3);
});

test("a plugin that throws is logged by name and the session still runs", async () => {
  using home = tempHome();
  const remoteHome = home.env.REMOTE_HOME as string;
  mkdirSync(join(remoteHome, "plugins"), { recursive: true });
  writeFileSync(join(remoteHome, "plugins", "broken.ts"), `export default { name: "broken", setup(h) { h.hook("session:start", () => { throw new Error("boom"); }); } };\n`);
  const id = (await cli(home.env, ["run", "shell", "--detach", "--", "-c", "echo alive-$((2+3)); sleep infinity"])).stdout.trim();
  const follow = Bun.spawn([...remoteCommand(), "logs", id, "--follow"], { env: home.env, stdout: "pipe" });
  const reader = follow.stdout.getReader();
  let seen = "";
  while (!seen.includes("alive-5")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += new TextDecoder().decode(value);
  }
  expect(seen).toContain("alive-5");
  await cli(home.env, ["stop", id]);
  await follow.exited;
  const log = readFileSync(join(remoteHome, "sessions", id, "host.log"), "utf8");
  expect(log).toContain("plugin 'broken' failed on session:start: boom");
});
