import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HTMLBundle } from "bun";
import { pageBundleLoader } from "./page-bundle.ts";

test("a failed page build is kept, not redone per request, and reported once", async () => {
  const dir = mkdtempSync(join(tmpdir(), "remote-page-"));
  try {
    // A page whose script imports a module that does not exist: the bundler fails.
    writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="./main.ts"></script>');
    writeFileSync(join(dir, "main.ts"), 'import "./missing-module.ts";\n');
    const failures: unknown[] = [];
    const bundle = pageBundleLoader({ index: join(dir, "index.html") } as unknown as HTMLBundle, (error) => failures.push(error));
    const first = await bundle().catch((error: unknown) => error);
    // The source is mended now: a loader that retried would succeed, or fail with a new error.
    writeFileSync(join(dir, "main.ts"), "export {};\n");
    const again = await Promise.all([bundle(), bundle()].map((p) => p.catch((error: unknown) => error)));
    expect(first).toMatchObject({ code: "PAGE_BUILD_FAILED" });
    expect(again).toEqual([first, first]);
    expect(again[0]).toBe(first);
    expect(failures).toEqual([first]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
