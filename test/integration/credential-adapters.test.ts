import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHomeFiles } from "../../src/adapters/credentials/home-files.ts";
import { createStatusProbe } from "../../src/adapters/process/status-probe.ts";
import { repoRoot, tempHome } from "../support/cli.ts";
import { eventually } from "../support/wait.ts";

const fakeClaude = join(repoRoot, "test", "fixtures", "bin", "claude");

describe("status probe (the CLI's own login check)", () => {
  test("exit code and stdout of the status command; a missing binary is not-found", async () => {
    using home = tempHome("remote-probe-");
    const probe = createStatusProbe();
    const out = await probe.run([fakeClaude, "auth", "status"], { env: home.env, timeoutMs: 10_000 });
    expect(out).toMatchObject({ kind: "exited", exitCode: 1 });
    expect(out.kind === "exited" && JSON.parse(out.stdout)).toEqual({ loggedIn: false });
    expect(await probe.run([join(home.dir, "no-such-cli"), "auth", "status"], { env: home.env, timeoutMs: 10_000 })).toEqual({ kind: "not-found" });
  });

  test("past the deadline: timeout, and the command is killed", async () => {
    using home = tempHome("remote-probe-hang-");
    const pidFile = join(home.dir, "pid");
    const probe = createStatusProbe();
    // A status command that never answers (the fake's FAKE_CLI_AUTH=hang), wrapped to tell us its pid.
    const wrapper = join(home.dir, "hang");
    writeFileSync(wrapper, `#!/usr/bin/env bash\necho $$ > ${JSON.stringify(pidFile)}\nexec ${JSON.stringify(fakeClaude)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    expect(await probe.run([wrapper, "auth", "status"], { env: { ...home.env, FAKE_CLI_AUTH: "hang" }, timeoutMs: 300 })).toEqual({ kind: "timeout", timeoutMs: 300 });
    const pid = Number(await Bun.file(pidFile).text());
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await eventually(() => !alive(), "the hung status command to be killed", 5000);
  });
});

describe("home files (the person's credential files)", () => {
  test("a file's bytes, links followed; missing is undefined; a directory is refused by path", () => {
    using home = tempHome("remote-homefiles-");
    const files = createHomeFiles();
    mkdirSync(join(home.dir, "dots"));
    writeFileSync(join(home.dir, "dots", "npmrc"), "//registry/:_authToken=npm_secret");
    symlinkSync(join(home.dir, "dots", "npmrc"), join(home.dir, ".npmrc"));
    expect(new TextDecoder().decode(files.read(join(home.dir, ".npmrc")))).toBe("//registry/:_authToken=npm_secret");
    expect(files.read(join(home.dir, ".aws", "credentials"))).toBeUndefined();
    expect(() => files.read(join(home.dir, "dots"))).toThrow(expect.objectContaining({ code: "CREDENTIAL_UNREADABLE", message: `Cannot read credential file '${join(home.dir, "dots")}': it is not a regular file` }));
  });
});
