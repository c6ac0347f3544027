/**
 * The in-container end of credentials (src/app/targets/pod-credentials.ts) on real files:
 * a mounted Secret laid out as the kubelet does it (`key -> ..data/key` links) read back by
 * the paths its keys encode; `remote __credentials`' input written 0600 into HOME, refused
 * whole when malformed or when a link stands in the way; a container's `__pod` waiting for
 * its first bundle, and giving up after its deadline.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { credentialsBeforeStart, mountedCredentials, receiveCredentials } from "../../src/app/targets/pod-credentials.ts";
import { credentialsInput } from "../../src/domain/credentials/wire.ts";
import { secretKeyOf } from "../../src/domain/kube/secret-keys.ts";
import type { RemoteConfig } from "../../src/domain/config.ts";
import type { PodSpec } from "../../src/domain/target.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "pod-creds-"));
  dirs.push(dir);
  return dir;
};
const depsIn = (dir: string) => {
  const home = join(dir, "home");
  mkdirSync(home);
  return { home, deps: { env: { HOME: home }, config: { paths: { home: join(home, ".remote") } } as unknown as RemoteConfig } };
};
const bytes = (text: string) => new TextEncoder().encode(text);
const mode = (path: string) => statSync(path).mode & 0o777;
const spec: PodSpec = { sessionId: "s1", name: "s", profile: "claude", command: "claude", args: [], cwd: "/", cols: 80, rows: 24 };

describe("credentials inside a session container", () => {
  test("a mounted Secret (the kubelet's layout) is read back by the paths its keys encode; its own entries are skipped", () => {
    const mount = temp();
    const data = join(mount, "..2026_12_01_07_00_00.1");
    mkdirSync(data);
    const files = { ".claude/.credentials.json": '{"t":"x"}', ".config/gh/hosts.yml": "gh: y" };
    for (const [path, content] of Object.entries(files)) {
      writeFileSync(join(data, secretKeyOf(path)), content);
      symlinkSync(join("..data", secretKeyOf(path)), join(mount, secretKeyOf(path)));
    }
    symlinkSync("..2026_12_01_07_00_00.1", join(mount, "..data"));
    writeFileSync(join(mount, "not_zz_ours"), "stray");
    const read = mountedCredentials(mount).map((f) => [f.path, new TextDecoder().decode(f.content)]);
    expect(Object.fromEntries(read)).toEqual(files);
  });

  test("`remote __credentials` writes each file 0600 in dirs 0700 and records the hash; bad input or a link in the way writes nothing", () => {
    const { home, deps } = depsIn(temp());
    const outcome = receiveCredentials(deps, credentialsInput([{ path: ".codex/auth.json", content: bytes('{"k":1}') }]));
    expect(outcome.updated).toBe(1);
    expect(readFileSync(join(home, ".codex/auth.json"), "utf8")).toBe('{"k":1}');
    expect(mode(join(home, ".codex/auth.json"))).toBe(0o600);
    expect(mode(join(home, ".codex"))).toBe(0o700);
    expect(readFileSync(join(home, ".remote/credentials.sha256"), "utf8")).toBe(`${outcome.hash}\n`);

    for (const input of ["not json", "[1]", '{"a": 1}', JSON.stringify({ "../escape": "eA==" })]) expect(() => receiveCredentials(deps, bytes(input))).toThrow(/Cannot (read|store) credential/);
    expect(existsSync(join(dirs[0] as string, "escape"))).toBe(false);
    // A link the agent could have left where a credential directory goes: refused, nothing written through it.
    const elsewhere = temp();
    symlinkSync(elsewhere, join(home, ".aws"));
    expect(() => receiveCredentials(deps, credentialsInput([{ path: ".aws/credentials", content: bytes("k") }]))).toThrow(/link/);
    expect(existsSync(join(elsewhere, "credentials"))).toBe(false);
  });

  test("a container's `__pod` starts once its bundle was delivered (before or after it began to wait), and gives up after its deadline", async () => {
    const { deps } = depsIn(temp());
    receiveCredentials(deps, credentialsInput([{ path: ".npmrc", content: bytes("x") }]));
    await credentialsBeforeStart(deps, { ...spec, credentials: "exec" }, 5_000);

    const later = depsIn(temp()).deps;
    const waiting = credentialsBeforeStart(later, { ...spec, credentials: "exec" }, 30_000);
    receiveCredentials(later, credentialsInput([{ path: ".npmrc", content: bytes("x") }]));
    await waiting;

    const never = depsIn(temp()).deps;
    await expect(credentialsBeforeStart(never, { ...spec, credentials: "exec" }, 50)).rejects.toThrow(/did not arrive within/);
    // Without credentials nothing is waited for.
    await credentialsBeforeStart(never, spec, 50);
  });
});
