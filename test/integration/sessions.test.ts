import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, ptyClient, remoteCommand, tempHome } from "../support/cli.ts";

const hasVim = Bun.which("vim") !== null;

type Listed = { id: string; name: string; state: string; clients: number; exitCode: number | null; pid: number | null; profile: string; cwd: string };
const ls = async (env: Record<string, string>) => {
  const r = await cli(env, ["ls", "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Listed[];
};

describe("local sessions", () => {
  test.if(hasVim)("vim survives detach and re-attach with its screen exactly as it was", async () => {
    using home = tempHome();
    const file = join(home.dir, "x.txt");
    const started = await cli(home.env, ["run", "shell", "--detach", "--name", "demo", "--", "-c", `vim -u NONE -n ${file}`]);
    expect(started.code).toBe(0);
    expect(started.stdout.trim()).toMatch(/^[a-z0-9]{8}$/);

    const first = ptyClient(home.env, [...remoteCommand(), "attach", "demo"]);
    await first.waitFor((s) => s.includes("x.txt"), "vim's status line");
    first.type("ihello from the first client\x1b");
    await first.waitFor((s) => s.includes("hello from the first client"), "typed text");
    const [listed] = await ls(home.env);
    expect(listed).toMatchObject({ name: "demo", state: "running", clients: 1, profile: "shell" });

    const before = first.text();
    first.type("\x10\x11");
    expect(await first.proc.exited).toBe(0);
    expect(first.raw()).toContain("[detached from demo");
    expect((await ls(home.env))[0]).toMatchObject({ state: "running", clients: 0 });

    const second = ptyClient(home.env, [...remoteCommand(), "attach", "demo"]);
    await second.waitFor((s) => s.includes("hello from the first client") && s.includes("x.txt"), "the redraw");
    expect(second.text()).toBe(before);
    // Still live: keys reach vim.
    second.type("A, and the second\x1b");
    await second.waitFor((s) => s.includes("hello from the first client, and the second"), "appended text");

    // A client killed with SIGKILL leaves the session running.
    process.kill(second.proc.pid, "SIGKILL");
    await second.proc.exited;
    const afterKill = await ls(home.env);
    expect(afterKill[0]?.state).toBe("running");

    const stopped = await cli(home.env, ["stop", "demo"]);
    expect(stopped.code).toBe(0);
    const [ended] = await ls(home.env);
    expect(ended?.state).toBe("exited");
  });

  test("two clients see the same live output; input from either is delivered", async () => {
    using home = tempHome();
    await cli(home.env, ["run", "shell", "--detach", "--name", "pair", "--", "--norc", "--noprofile", "-i"]);
    const a = ptyClient(home.env, [...remoteCommand(), "attach", "pair"]);
    const b = ptyClient(home.env, [...remoteCommand(), "attach", "pair"]);
    await a.waitFor((s) => s.includes("$") || s.includes("#"), "a prompt in a");
    await b.waitFor((s) => s.includes("$") || s.includes("#"), "a prompt in b");
    a.type("echo from-$((40+2))-a\r");
    await b.waitFor((s) => s.includes("from-42-a"), "a's command output in b");
    b.type("echo from-$((40+3))-b\r");
    await a.waitFor((s) => s.includes("from-43-b"), "b's command output in a");
    expect((await ls(home.env))[0]?.clients).toBe(2);
    a.type("exit\r");
    expect(await a.proc.exited).toBe(0);
    expect(await b.proc.exited).toBe(0);
    expect(b.raw()).toContain("[session pair exited with code 0]");
  });

  test("send, logs, rename and the exit code of a finished session", async () => {
    using home = tempHome();
    const id = (await cli(home.env, ["run", "shell", "--detach", "--name", "worker", "--", "--norc", "--noprofile", "-i"])).stdout.trim();
    expect((await cli(home.env, ["send", "worker", "echo sent-$((6*7))", "--enter"])).code).toBe(0);
    // logs is a snapshot; poll it through the follow stream instead of sleeping.
    const follow = Bun.spawn([...remoteCommand(), "logs", id, "--follow"], { env: home.env, stdout: "pipe", stderr: "pipe" });
    expect((await cli(home.env, ["rename", "worker", "renamed"])).code).toBe(0);
    expect((await cli(home.env, ["send", "renamed", "exit 7", "--enter"])).code).toBe(0);
    const followed = await new Response(follow.stdout).text();
    expect(await follow.exited).toBe(0);
    expect(followed).toContain("sent-42");
    expect(followed).not.toContain("\x1b[");
    const [done] = await ls(home.env);
    expect(done).toMatchObject({ id, name: "renamed", state: "exited", exitCode: 7 });
    const logs = await cli(home.env, ["logs", "renamed"]);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("sent-42");
    const pruned = await cli(home.env, ["prune"]);
    expect(pruned.code).toBe(0);
    expect(await ls(home.env)).toEqual([]);
  });

  test("the window size follows the attached terminal, on attach and on SIGWINCH", async () => {
    using home = tempHome();
    await cli(home.env, ["run", "shell", "--detach", "--name", "sized", "--", "--norc", "--noprofile", "-i"]);
    const c = ptyClient(home.env, [...remoteCommand(), "attach", "sized"], { cols: 91, rows: 27 });
    await c.waitFor((s) => /[$#] $/m.test(s), "a prompt");
    c.type("echo size=$(stty size)\r");
    await c.waitFor((s) => s.includes("size=27 91"), "the attach size");
    c.resize(120, 33);
    await c.typeUntil("echo size=$(stty size)\r", (s) => s.includes("size=33 120"), "the new size after SIGWINCH");
    c.type("exit\r");
    expect(await c.proc.exited).toBe(0);
  });

  test("a lone Ctrl+P reaches the session after a short wait; Ctrl+P Ctrl+P sends one", async () => {
    using home = tempHome();
    await cli(home.env, ["run", "shell", "--detach", "--name", "keys", "--", "-c", "stty raw -echo; od -An -tx1 -w1 -v"]);
    const c = ptyClient(home.env, [...remoteCommand(), "attach", "keys"]);
    await c.waitFor((_s, raw) => raw.length > 0, "the first redraw");
    c.type("\x10");
    await c.waitFor((s) => s.includes(" 10"), "the held Ctrl+P, forwarded");
    c.type("\x10x");
    await c.waitFor((s) => s.includes(" 78"), "Ctrl+P followed by x");
    expect(c.text().match(/ 10/g)?.length).toBe(2);
    c.type("\x10\x11");
    expect(await c.proc.exited).toBe(0);
    await cli(home.env, ["stop", "keys"]);
  });

  test("--dry-run prints the plan and starts nothing", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["run", "claude", "--dry-run", "--model", "opus", "-r", "abc", "--", "--verbose"]);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout) as { command: string; args: string[]; cwd: string };
    expect(plan.command).toBe("claude");
    expect(plan.args).toContain("--verbose");
    expect(plan.args.join(" ")).toContain("--resume abc");
    expect(await ls(home.env)).toEqual([]);
  });
});

describe("bad input", () => {
  test("an unknown profile exits 2 and lists the profiles", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["run", "nosuchcli"]);
    expect(r.code).toBe(2);
    for (const p of ["shell", "claude", "codex", "gemini", "opencode", "agy", "mistral"]) expect(r.stderr).toContain(p);
  });

  test("a CLI that is not installed is refused up front with how to install it; no dead session is left", async () => {
    using home = tempHome();
    const env = { ...home.env, PATH: "/usr/bin:/bin" }; // none of the agent CLIs live there
    const r = await cli(env, ["run", "claude", "--detach"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot start claude: 'claude' is not on PATH");
    expect(r.stderr).toContain("npm install -g @anthropic-ai/claude-code");
    const delegated = await cli(env, ["delegate", "codex", "fix it", "--headless"], { cwd: home.dir });
    expect(delegated.code).toBe(1);
    expect(delegated.stderr).toContain("npm install -g @openai/codex");
    expect(await ls(home.env)).toEqual([]);
  });

  test("attach to an unknown id exits 1 with a hint", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["attach", "nope"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Cannot find session 'nope'");
    expect(r.stderr).toContain("hint:");
  });

  test("a corrupt store is a clear error naming the file, not a stack trace", async () => {
    using home = tempHome();
    Bun.spawnSync(["mkdir", "-p", home.env.REMOTE_HOME as string]);
    const store = join(home.env.REMOTE_HOME as string, "remote.db");
    writeFileSync(store, "this is not a database, it is a text file that got here somehow".repeat(100));
    const r = await cli(home.env, ["ls"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(store);
    expect(r.stderr).toContain("hint:");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("a missing command argument is a usage error (exit 2)", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["attach"]);
    expect(r.code).toBe(2);
  });

  test("--version prints the package version", async () => {
    using home = tempHome();
    const r = await cli(home.env, ["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe((await Bun.file(join(import.meta.dir, "../../package.json")).json()).version);
  });
});
