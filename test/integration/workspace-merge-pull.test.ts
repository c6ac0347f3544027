import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../support/cli.ts";
import { startServe, type ServeProcess } from "../support/serve.ts";
import { baseOf } from "../support/workspace-base.ts";

/**
 * `remote workspace pull` as a 3-way merge through the real CLI and a real `remote serve`:
 * two folders of one workspace (laptop and elsewhere) each change things, one pushes,
 * the other pulls.
 */
const home = tempHome("remote-ws-merge-");
let serve: ServeProcess;
let env: Record<string, string>;
beforeAll(async () => {
  serve = await startServe(home);
  env = { ...home.env, REMOTE_URL: serve.url, REMOTE_TOKEN: serve.token };
});
afterAll(async () => {
  await serve.stop();
  home[Symbol.dispose]();
});

const run = (cwd: string, ...args: string[]) => cli(env, args, { cwd });
const lines = "one\ntwo\nthree\nfour\nfive\n";

async function twoFolders(name: string) {
  const [a, b] = [join(home.dir, `${name}-a`), join(home.dir, `${name}-b`)];
  mkdirSync(a);
  mkdirSync(b);
  writeFileSync(join(a, "notes.txt"), lines);
  writeFileSync(join(a, "gone.txt"), "bye\n");
  writeFileSync(join(a, "img.bin"), new Uint8Array([0, 1, 2, 3]));
  expect((await run(a, "workspace", "push")).code).toBe(0);
  const id = (JSON.parse(readFileSync(join(a, ".remote", "workspace.json"), "utf8")) as { workspaceId: string }).workspaceId;
  const pulled = await run(b, "workspace", "pull", "--id", id);
  expect(pulled.code).toBe(0);
  return { a, b };
}

describe("workspace pull merges", () => {
  test("disjoint edits merge line by line; a remote deletion is applied; exit 0 and the base moves", async () => {
    const { a, b } = await twoFolders("clean");
    // b edits the last line and deletes gone.txt, then pushes
    writeFileSync(join(b, "notes.txt"), lines.replace("five", "FIVE"));
    rmSync(join(b, "gone.txt"));
    expect((await run(b, "workspace", "push")).code).toBe(0);
    writeFileSync(join(a, "notes.txt"), lines.replace("one", "ONE"));
    const pulled = await run(a, "workspace", "pull");
    expect(pulled.stderr).toBe("");
    expect(pulled.code).toBe(0);
    expect(readFileSync(join(a, "notes.txt"), "utf8")).toBe(lines.replace("one", "ONE").replace("five", "FIVE"));
    expect(existsSync(join(a, "gone.txt"))).toBe(false);
    // the merged file is a local change now: it pushes, and b pulls it cleanly
    expect((await run(a, "workspace", "push")).code).toBe(0);
    expect((await run(b, "workspace", "pull")).code).toBe(0);
    expect(readFileSync(join(b, "notes.txt"), "utf8")).toBe(readFileSync(join(a, "notes.txt"), "utf8"));
  }, 60000);

  test("the same line on both sides: markers, binary .bak, exit 1, base untouched; --on-conflict block writes nothing", async () => {
    const { a, b } = await twoFolders("conflict");
    writeFileSync(join(b, "notes.txt"), lines.replace("two", "two (far)"));
    writeFileSync(join(b, "img.bin"), new Uint8Array([9, 0, 9]));
    expect((await run(b, "workspace", "push")).code).toBe(0);
    writeFileSync(join(a, "notes.txt"), lines.replace("two", "two (here)"));
    writeFileSync(join(a, "img.bin"), new Uint8Array([7, 0, 7]));
    const baseBefore = baseOf(a);

    const blocked = await run(a, "workspace", "pull", "--on-conflict", "block");
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toContain("notes.txt (text)");
    expect(readFileSync(join(a, "notes.txt"), "utf8")).toBe(lines.replace("two", "two (here)"));

    const pulled = await run(a, "workspace", "pull");
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toContain("conflict: notes.txt (text)");
    expect(readFileSync(join(a, "notes.txt"), "utf8")).toBe("one\n<<<<<<< local\ntwo (here)\n=======\ntwo (far)\n>>>>>>> remote\nthree\nfour\nfive\n");
    expect([...readFileSync(join(a, "img.bin"))]).toEqual([9, 0, 9]);
    const backup = readdirSync(a).find((name) => name.startsWith("img.bin.bak-"));
    expect(backup).toMatch(/^img\.bin\.bak-\d{8}T\d{6}Z$/);
    expect([...readFileSync(join(a, backup as string))]).toEqual([7, 0, 7]);
    expect(baseOf(a)).toEqual(baseBefore);

    expect((await run(a, "workspace", "pull", "--on-conflict", "nonsense")).code).toBe(2);
  }, 60000);
});
