import { describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHomeFiles } from "../../src/adapters/credentials/home-files.ts";
import { createMemoryHomeFiles } from "../../src/adapters/credentials/memory-home-files.ts";
import type { HomeFilesPort } from "../../src/domain/ports.ts";
import { tempHome } from "../support/cli.ts";

/** One contract for the person's credential files, on the real filesystem and the memory fake. */
function homeFilesContract(name: string, open: (root: string) => HomeFilesPort) {
  describe(`${name} home files`, () => {
    test("bytes of a file, undefined when missing, a directory refused by path", () => {
      using home = tempHome("remote-homefiles-contract-");
      const files = open(home.dir);
      expect(new TextDecoder().decode(files.read(join(home.dir, ".npmrc")))).toBe("token=x");
      expect(files.read(join(home.dir, ".aws", "credentials"))).toBeUndefined();
      expect(() => files.read(join(home.dir, ".config"))).toThrow(expect.objectContaining({ code: "CREDENTIAL_UNREADABLE", message: `Cannot read credential file '${join(home.dir, ".config")}': it is not a regular file` }));
    });
  });
}

homeFilesContract("real", (root) => {
  writeFileSync(join(root, ".npmrc"), "token=x");
  mkdirSync(join(root, ".config"));
  return createHomeFiles();
});
homeFilesContract("memory", (root) => createMemoryHomeFiles({ [join(root, ".npmrc")]: "token=x", [join(root, ".config")]: "dir" }));
