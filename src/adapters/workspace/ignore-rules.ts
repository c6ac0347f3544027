import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Ignore } from "ignore";

/** The rules of one folder: its .gitignore, read relative to it (git's nesting). */
type Level = { readonly base: string; readonly rules: Ignore };
export type IgnoreStack = readonly Level[];

const rulesFrom = (...files: string[]): Ignore | undefined => {
  const texts = files.filter((f) => existsSync(f)).map((f) => readFileSync(f, "utf8"));
  if (texts.length === 0) return undefined;
  // Required here: a push whose folders did not change never lists one, so never needs the rules.
  const ignore = (require("ignore") as { default: () => Ignore }).default;
  return ignore().add(texts.join("\n"));
};

/** The root's rules: .git/info/exclude first (lower priority), then the root .gitignore. */
export const rootRules = (root: string): IgnoreStack => {
  const rules = rulesFrom(join(root, ".git", "info", "exclude"), join(root, ".gitignore"));
  return rules ? [{ base: "", rules }] : [];
};

/** `stack` plus the .gitignore of folder `dir` (relative), when it has one. */
export const withFolder = (stack: IgnoreStack, root: string, dir: string): IgnoreStack => {
  if (dir === "") return stack;
  const rules = rulesFrom(join(root, dir, ".gitignore"));
  return rules ? [...stack, { base: dir, rules }] : stack;
};

/**
 * Git's verdict for `path` (relative to the root): each level from the root down tests the
 * path relative to its own folder; a deeper match wins, and a negation (`!x`) re-includes.
 * A folder's contents are never looked at once the folder is ignored (the walker does not
 * descend), which is git's "cannot re-include a file if a parent folder is excluded".
 */
export function isIgnored(stack: IgnoreStack, path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const level of stack) {
    const relative = level.base === "" ? path : path.slice(level.base.length + 1);
    const verdict = level.rules.test(isDir ? `${relative}/` : relative);
    if (verdict.ignored) ignored = true;
    else if (verdict.unignored) ignored = false;
  }
  return ignored;
}
