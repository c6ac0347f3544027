/**
 * Tests that can fail (issue 8 item 7), checked over every test file and test helper:
 * - an `expect(...).resolves` / `.rejects` is awaited (or returned): otherwise the test
 *   ends before the assertion runs, and it can never fail;
 * - no `expect` inside a server callback (Bun.serve / Bun.listen / Bun.connect handlers):
 *   a throw there becomes the server's error answer, not a failed test; record, then
 *   assert in the test body;
 * - no `await Bun.sleep(...)` (nor sleepSync, nor a setTimeout(resolve, ms) promise) as a wait: wait for the event (support/wait.ts re-checks a
 *   condition with a timeout that only guards); a sleep that is not synchronisation
 *   (fault injection, sampling) says so on its line or the one above: "not synchronisation";
 * - randomness only from a printed seed (support/seed.ts), never Math.random.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = join(import.meta.dir, "..");
const self = relative(root, import.meta.path);

function walk(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    return statSync(join(root, path)).isDirectory() ? walk(path) : [path];
  });
}

/** Every test file, and the helpers under test/. */
const testFiles = [...walk("test"), ...walk("src"), ...walk("plugins")].filter(
  (f) => f !== self && (f.endsWith(".test.ts") || (f.startsWith("test/") && f.endsWith(".ts"))),
);
const read = (f: string) => readFileSync(join(root, f), "utf8");
const lineOf = (text: string, index: number) => text.slice(0, index).split("\n").length;

/** Index of the "(" that opens the parenthesis closed at `close` (strings are not parsed: good enough for test code). */
function openingParen(text: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    if (text[i] === ")") depth++;
    else if (text[i] === "(" && --depth === 0) return i;
  }
  return -1;
}

/** Index just past the ")" that closes the "(" at `open`. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) return i + 1;
  }
  return text.length;
}

export function unawaitedAssertions(text: string): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(/\)\s*\.(?:resolves|rejects)\b/g)) {
    const open = openingParen(text, m.index);
    const before = text.slice(Math.max(0, open - 80), open);
    if (!/\bexpect\s*$/.test(before)) continue;
    if (!/\b(?:await|return)\s+expect\s*$/.test(before)) lines.push(lineOf(text, m.index));
  }
  return lines;
}

export function assertionsInServerCallbacks(text: string): number[] {
  const lines: number[] = [];
  for (const m of text.matchAll(/\bBun\.(?:serve|listen|connect)\s*(?:<[^>]*>)?\s*\(/g)) {
    const open = m.index + m[0].length - 1;
    const body = text.slice(open, closingParen(text, open));
    const inside = body.search(/\bexpect\s*\(/);
    if (inside >= 0) lines.push(lineOf(text, open + inside));
  }
  return lines;
}

export function sleepsAsWaits(text: string): number[] {
  const lines = text.split("\n");
  const sleep = /await\s+Bun\.sleep\s*\(|\bBun\.sleepSync\s*\(|setTimeout\(\s*(?:r|res|resolve)\s*,/;
  return lines.flatMap((line, i) => (sleep.test(line) && !/not synchronisation/.test(`${lines[i - 1] ?? ""}\n${line}`) ? [i + 1] : []));
}

export const unseededRandomness = (text: string): number[] =>
  text.split("\n").flatMap((line, i) => (/\bMath\.random\b/.test(line) ? [i + 1] : []));

const offenders = (find: (text: string) => number[], except: readonly string[] = []) =>
  testFiles.filter((f) => !except.includes(f)).flatMap((f) => find(read(f)).map((line) => `${f}:${line}`));

describe("test hygiene", () => {
  test("the scan sees the test files", () => {
    expect(testFiles).toContain("test/architecture.test.ts");
    expect(testFiles).toContain("src/domain/profiles.test.ts");
    expect(testFiles).toContain("plugins/job-webhook/index.test.ts");
    expect(testFiles).toContain("test/support/cli.ts");
  });

  test("every .resolves / .rejects is awaited", () => {
    expect(offenders(unawaitedAssertions)).toEqual([]);
  });

  test("no expect inside a Bun.serve / Bun.listen / Bun.connect callback", () => {
    expect(offenders(assertionsInServerCallbacks)).toEqual([]);
  });

  test("no sleep as synchronisation", () => {
    expect(offenders(sleepsAsWaits, ["test/support/wait.ts"])).toEqual([]);
  });

  test("randomness comes from a printed seed", () => {
    expect(offenders(unseededRandomness, ["test/support/seed.ts"])).toEqual([]);
  });
});

describe("the checks catch what they are for", () => {
  test("an un-awaited .resolves / .rejects, also over several lines", () => {
    expect(unawaitedAssertions("test('x', async () => {\n  expect(p()).resolves.toBe(1);\n});")).toEqual([2]);
    expect(unawaitedAssertions("  expect(\n    f(a, (b) => g(b)),\n  ).rejects.toThrow();")).toEqual([3]);
    expect(unawaitedAssertions("  await expect(p()).resolves.toBe(1);\n  return expect(q(1)).rejects.toThrow();")).toEqual([]);
    expect(unawaitedAssertions("  const x = await somePromise().then((v) => v.resolves);")).toEqual([]);
  });

  test("an expect in a server's handler", () => {
    const bad = "using s = Bun.serve({\n  port: 0,\n  fetch: (r) => {\n    expect(r.method).toBe('POST');\n    return new Response();\n  },\n});\nexpect(1).toBe(1);";
    expect(assertionsInServerCallbacks(bad)).toEqual([4]);
    expect(assertionsInServerCallbacks("Bun.listen<Pair>({ socket: { data: () => {} } });\nexpect(1).toBe(1);")).toEqual([]);
  });

  test("a sleep-then-check, unless it says it is not synchronisation", () => {
    expect(sleepsAsWaits("await Bun.sleep(500);\nexpect(done).toBe(true);")).toEqual([1]);
    expect(sleepsAsWaits("await new Promise((resolve) => setTimeout(resolve, 200));\nBun.sleepSync(50);")).toEqual([1, 2]);
    expect(sleepsAsWaits("const timer = setTimeout(() => reject(new Error('timed out')), 20000);")).toEqual([]);
    expect(sleepsAsWaits("// fault injection, not synchronisation\nawait Bun.sleep(random.int(1, 9));")).toEqual([]);
  });

  test("Math.random", () => {
    expect(unseededRandomness("const delay = Math.random() * 10;")).toEqual([1]);
  });
});
