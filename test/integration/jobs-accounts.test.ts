/**
 * Accounts for delegated jobs: tokens from stdin into 0600 files, never shown; rotation
 * among accounts not exhausted; a throttle exhausts an account; all exhausted → the
 * other provider, announced on stderr. Tokens reach the agent by env var, never argv.
 */
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../support/cli.ts";
import { fakeBin, jobsHome, until, readArgvLog } from "./jobs-support.ts";

type Home = ReturnType<typeof jobsHome>;

const addAccount = (home: Home, id: string, profile: string, token: string) => cli(home.env, ["account", "add", id, "--profile", profile, "--token", "-"], { stdin: token });

/** Wrappers that record which key each run got (from the environment), then run the fake. */
function keyRecordingBin(home: Home): string {
  const bin = join(home.dir, "keybin");
  mkdirSync(bin);
  const log = join(home.dir, "keys.log");
  for (const name of ["claude", "codex"]) {
    const path = join(bin, name);
    writeFileSync(path, `#!/usr/bin/env bash\nprintf '%s anthropic=%s openai=%s\\n' ${name} "\${ANTHROPIC_API_KEY:-}" "\${OPENAI_API_KEY:-}" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(join(fakeBin, name))} "$@"\n`);
    chmodSync(path, 0o755);
  }
  home.env.PATH = `${bin}:${home.env.PATH}`;
  return log;
}

const waitDone = async (home: Home, id: string) => (await cli(home.env, ["jobs", "wait", id])).code;

describe("accounts", () => {
  test("add reads the token from stdin into a 0600 file; ls never shows it; rm removes both", async () => {
    using home = jobsHome();
    const added = await addAccount(home, "work", "claude-code", "sk-ant-secret-1\n");
    expect(added).toMatchObject({ code: 0, stdout: "work\n" });
    expect(added.stderr).not.toContain("secret");
    const file = join(home.env.REMOTE_HOME as string, "accounts", "work.token");
    expect(readFileSync(file, "utf8")).toBe("sk-ant-secret-1");
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const listed = await cli(home.env, ["account", "ls", "--json"]);
    expect(listed.stdout).not.toContain("sk-ant");
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: "work", profile: "claude", provider: "anthropic", hasToken: true, exhausted: false })]);
    const table = await cli(home.env, ["account", "ls"]);
    expect(table.stdout).toContain("work");
    expect(table.stdout).not.toContain("sk-ant");

    const inArgv = await cli(home.env, ["account", "add", "other", "--profile", "claude", "--token", "sk-ant-visible"]);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain("Cannot take a token on the command line");
    expect((await addAccount(home, "work", "claude", "again")).code).toBe(1);
    expect((await addAccount(home, "sh", "shell", "x")).code).toBe(2);

    expect((await cli(home.env, ["account", "rm", "work"])).code).toBe(0);
    expect(JSON.parse((await cli(home.env, ["account", "ls", "--json"])).stdout)).toEqual([]);
    expect(() => statSync(file)).toThrow();
    expect((await cli(home.env, ["account", "rm", "work"])).code).toBe(1);
  });

  test("rotation, exhaustion by a throttle, fallback to the other provider, --account", async () => {
    using home = jobsHome();
    const keys = keyRecordingBin(home);
    for (const [id, profile, token] of [["a", "claude", "key-a"], ["b", "claude", "key-b"], ["c", "codex", "key-c"]] as const) {
      expect((await addAccount(home, id, profile, token)).code).toBe(0);
    }
    const run = async (task: string, extra: string[] = [], env: Record<string, string> = {}) => {
      const r = await cli({ ...home.env, ...env }, ["delegate", "claude", task, "--headless", ...extra], { cwd: home.repo });
      expect(r.code).toBe(0);
      return { id: r.stdout.trim(), stderr: r.stderr };
    };
    // Least recently used first: a, b, a.
    for (const task of ["one", "two", "three"]) expect(await waitDone(home, (await run(task)).id)).toBe(0);
    expect(readFileSync(keys, "utf8").trim().split("\n")).toEqual(["claude anthropic=key-a openai=", "claude anthropic=key-b openai=", "claude anthropic=key-a openai="]);

    // A usage limit with a reset time exhausts the account until then; the next job gets the other.
    const limited = { FAKE_CLI_MODE: "throttle", FAKE_CLI_THROTTLE_TEXT: "You've hit your session limit · resets 3pm (Europe/Paris)" };
    const t1 = await run("limited one", [], limited);
    await until(() => home.jobs().find((j) => j.id === t1.id)?.state === "throttled", "the first throttle");
    const t2 = await run("limited two", [], limited);
    await until(() => home.jobs().find((j) => j.id === t2.id)?.state === "throttled", "the second throttle");
    const accounts = JSON.parse((await cli(home.env, ["account", "ls", "--json"])).stdout) as { id: string; exhausted: boolean }[];
    expect(accounts.map((a) => [a.id, a.exhausted])).toEqual([["a", true], ["b", true], ["c", false]]);

    // Every claude account exhausted: the job runs on codex with account c, and says so.
    const fallback = await run("fall back");
    expect(fallback.stderr).toContain(`every claude account is rate-limited: job ${fallback.id} falls back to codex (account c)`);
    expect(await waitDone(home, fallback.id)).toBe(0);
    expect(home.jobs().find((j) => j.id === fallback.id)).toMatchObject({ profile: "codex", fallbackFrom: "claude", accountId: "c", state: "done" });
    expect(readFileSync(keys, "utf8").trim().split("\n").at(-1)).toBe("codex anthropic= openai=key-c");

    // --account forces one, exhausted or not.
    const forced = await run("forced", ["--account", "b"]);
    expect(await waitDone(home, forced.id)).toBe(0);
    expect(readFileSync(keys, "utf8").trim().split("\n").at(-1)).toBe("claude anthropic=key-b openai=");
    const wrong = await cli(home.env, ["delegate", "claude", "x", "--headless", "--account", "c"], { cwd: home.repo });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("Cannot run profile 'claude' with account 'c': it is a codex account");

    // Keys travel in the environment only.
    const argv = readArgvLog(home.argvLog).flat().join(" ");
    expect(argv).not.toContain("key-");
  }, 60_000);
});
