import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileArgs } from "../../scripts/compile-args.ts";
import { cli, ptyClient, repoRoot, tempHome } from "../support/cli.ts";

// The compiled binary, built once into a temp dir exactly as `npm run build` builds it.
const outDir = mkdtempSync(join(tmpdir(), "remote-bin-"));
const binary = join(outDir, "remote");
const hasVim = Bun.which("vim") !== null;

beforeAll(async () => {
  const build = Bun.spawn(
    [process.execPath, ...compileArgs(join(repoRoot, "src/main.ts"), binary)],
    { cwd: repoRoot, stdout: "ignore", stderr: "pipe" },
  );
  if ((await build.exited) !== 0) throw new Error(`build failed: ${await new Response(build.stderr).text()}`);
}, 120_000);

describe("the compiled binary", () => {
  test.if(hasVim)("runs the issue's walkthrough: vim, detach, exact re-attach, kill -9 of a client, stop", async () => {
    using home = tempHome();
    const run = (args: string[]) => cli(home.env, args, { command: [binary] });
    const file = join(home.dir, "notes.txt");
    expect((await run(["run", "shell", "--detach", "--name", "demo", "--", "-c", `vim -u NONE -n ${file}`])).code).toBe(0);

    const a = ptyClient(home.env, [binary, "attach", "demo"], { cols: 100, rows: 30 });
    // vim redraws for the attach's 100x30 (the file message goes away with the redraw): wait for its tildes.
    await a.waitFor((s) => s.split("\n").filter((l) => l.startsWith("~")).length >= 28, "vim at 100x30");
    a.type("ione\rtwo\rthree\x1b:set number\r");
    await a.waitFor((s) => /3 three/.test(s), "numbered lines");
    const before = a.text();
    a.type("\x10\x11");
    expect(await a.proc.exited).toBe(0);

    const listed = JSON.parse((await run(["ls", "--json"])).stdout) as Array<{ name: string; state: string }>;
    expect(listed).toEqual([expect.objectContaining({ name: "demo", state: "running" })]);

    const b = ptyClient(home.env, [binary, "attach", "demo"], { cols: 100, rows: 30 });
    await b.waitFor((s) => /3 three/.test(s), "the redraw");
    expect(b.text()).toBe(before);
    process.kill(b.proc.pid, "SIGKILL");
    await b.proc.exited;
    expect(JSON.parse((await run(["ls", "--json"])).stdout)[0].state).toBe("running");

    expect((await run(["stop", "demo"])).code).toBe(0);
    expect(JSON.parse((await run(["ls", "--json"])).stdout)[0].state).toBe("exited");
  });

  test("loads a user plugin by absolute path", async () => {
    using home = tempHome();
    const remoteHome = home.env.REMOTE_HOME as string;
    mkdirSync(remoteHome, { recursive: true });
    const events = join(home.dir, "events.jsonl");
    writeFileSync(join(remoteHome, "config.toml"), `plugins = [${JSON.stringify(join(repoRoot, "plugins/session-log/index.ts"))}]\n[plugin.session-log]\nfile = ${JSON.stringify(events)}\n`);
    const id = (await cli(home.env, ["run", "shell", "--detach", "--", "-c", "sleep infinity"], { command: [binary] })).stdout.trim();
    expect((await cli(home.env, ["stop", id], { command: [binary] })).code).toBe(0);
    const text = await Bun.file(events).text();
    expect(text).toContain('"event":"session:start"');
  });

  test("a .env or bunfig.toml in the working directory changes nothing (no REMOTE_URL from a cloned repo, no preload)", async () => {
    using home = tempHome();
    const repo = join(home.dir, "cloned-repo");
    mkdirSync(repo);
    const marker = join(home.dir, "preloaded");
    writeFileSync(join(repo, "evil.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "ran");\n`);
    writeFileSync(join(repo, "bunfig.toml"), 'preload = ["./evil.ts"]\n');
    writeFileSync(join(repo, ".env"), "REMOTE_URL=http://attacker.invalid:1\n");
    const { REMOTE_URL: _, ...env } = home.env;
    const shown = await cli(env, ["config", "get", "remote"], { command: [binary], cwd: repo });
    expect(shown.stdout + shown.stderr).not.toContain("attacker.invalid");
    expect(existsSync(marker)).toBe(false);
  });

  test("--version and usage errors behave as from source", async () => {
    using home = tempHome();
    expect((await cli(home.env, ["--version"], { command: [binary] })).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const bad = await cli(home.env, ["run", "nosuch"], { command: [binary] });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("claude");
  });
});
