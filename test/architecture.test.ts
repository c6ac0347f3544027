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
  // smol-toml too: a pure text <-> data library (no I/O), for codex's config.toml edits (domain/plugins/codex-toml.ts);
  // node-diff3: the pure diff3 the merge rules are built on (STYLE 5).
  test("src/domain imports nothing outside itself but zod, smol-toml and node-diff3", () => {
    const bad = files("src/domain").flatMap((f) =>
      imports(f)
        .map((s) => resolved(f, s))
        .filter((s) => !(s.startsWith("src/domain/") || s === "zod" || s === "smol-toml" || s === "node-diff3"))
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

  test("src/shared (plain I/O helpers) imports nothing of ours but the domain", () => {
    const bad = files("src/shared").flatMap((f) =>
      imports(f)
        .map((s) => resolved(f, s))
        .filter((s) => s.startsWith("src/") && !s.startsWith("src/domain/") && !s.startsWith("src/shared/"))
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

/** Where the environment may be read: the entry, wiring, and the config loader; everything else gets `deps.env`. */
const ENV_READERS = new Set(["src/main.ts", "src/wiring.ts", "src/adapters/config/load-config.ts"]);
const ENV_READ = /\bprocess\s*\.\s*env\b|\bprocess\s*\[\s*["']env["']\s*\]|\bBun\s*\.\s*env\b|\bimport\.meta\.env\b|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/;

/** Every import cycle among `graph`'s files (strongly connected components of two or more, or a file importing itself). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) component.push(w);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

describe("house rules", () => {
  test("process.env is read only in the entry, wiring and the config loader", () => {
    const bad = files("src").filter((f) => !ENV_READERS.has(f) && ENV_READ.test(readFileSync(join(root, f), "utf8")));
    expect(bad).toEqual([]);
  });

  test("the env rule catches every way of reading it", () => {
    for (const text of ["process.env.HOME", "{ ...process.env }", 'process["env"]', "Bun.env.PATH", "import.meta.env.X", "const { env } = process"]) expect(ENV_READ.test(text)).toBe(true);
    for (const text of ["deps.env.HOME", "processEnv", "process.pid", "const env = { ...deps.env }"]) expect(ENV_READ.test(text)).toBe(false);
  });

  test("no import cycles in src/ (type imports and lazy imports included)", () => {
    const graph = new Map(files("src").map((f) => [f, imports(f).filter((s) => s.startsWith(".")).map((s) => resolved(f, s))] as const));
    expect(importCycles(graph)).toEqual([]);
  });

  test("the cycle finder finds a cycle", () => {
    const graph = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]], ["e", ["e"]]]);
    expect(importCycles(graph)).toEqual([["a", "b", "c"], ["e"]]);
  });
});
