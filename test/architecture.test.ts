import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");
const files = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? files(path) : path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
const imports = (path: string) => [...readFileSync(join(root, path), "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1] as string);
const resolved = (file: string, spec: string) => (spec.startsWith(".") ? relative(root, join(root, file, "..", spec)) : spec);

describe("arrows point inward", () => {
  test("src/domain imports nothing outside itself but zod", () => {
    const bad = files("src/domain").flatMap((f) =>
      imports(f)
        .map((s) => resolved(f, s))
        .filter((s) => !(s.startsWith("src/domain/") || s === "zod"))
        .map((s) => `${f} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });

  test("src/domain uses no I/O, env, clock or randomness", () => {
    const bad = files("src/domain").filter((f) => /\bBun\.|process\.env|Date\.now\(|new Date\(\)|Math\.random\(/.test(readFileSync(join(root, f), "utf8")));
    expect(bad).toEqual([]);
  });

  test("adapters import only the domain (and libraries)", () => {
    const bad = files("src/adapters").flatMap((f) =>
      imports(f)
        .map((s) => resolved(f, s))
        .filter((s) => s.startsWith("src/app") || s === "src/main.ts" || s === "src/wiring.ts")
        .map((s) => `${f} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });

  test("use cases never construct adapters: only the entry does", () => {
    const bad = files("src/app").flatMap((f) =>
      imports(f)
        .map((s) => resolved(f, s))
        .filter((s) => s.startsWith("src/adapters/"))
        .map((s) => `${f} -> ${s}`),
    );
    expect(bad).toEqual([]);
  });
});
