/**
 * Our entries in Claude Code's settings.json `hooks` section. Claude runs a hook's
 * `command` through a shell, so the command is one string here (that is Claude's
 * format); the parts are quoted so a path with spaces or quotes stays one word.
 *
 *   { "hooks": { "SessionStart": [ { "matcher": "", "hooks": [ { "type": "command", "command": "..." } ] } ] } }
 */
import { RemoteError, errorMessage } from "./errors.ts";

export type HookKind = "claude-start" | "claude-end";
export const HOOK_KINDS: readonly HookKind[] = ["claude-start", "claude-end"];
const EVENT_OF: Readonly<Record<HookKind, string>> = { "claude-start": "SessionStart", "claude-end": "SessionEnd" };

/** Recognises our own entries, whatever path the binary had when they were written. */
const OURS = /\benroll --hook claude-(start|end)\b/;

/** POSIX single-quote quoting: the only character needing care inside is the quote itself. */
export const shellQuote = (word: string): string => (/^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/** `home` pins the REMOTE_HOME the installer used: Claude's own environment does not carry it. */
export const hookCommand = (self: readonly string[], kind: HookKind, home?: string): string =>
  `${home === undefined ? "" : `REMOTE_HOME=${shellQuote(home)} `}${[...self, "enroll", "--hook", kind].map(shellQuote).join(" ")}`;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Parses settings.json text; refuses anything that is not a JSON object, naming the file. */
export function parseSettings(text: string | undefined, path: string): Json {
  if (text === undefined || text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, errorMessage(error));
  }
  if (!isObject(value)) throw corrupt(path, "it is not a JSON object");
  if (value.hooks !== undefined && !isObject(value.hooks)) throw corrupt(path, "its \"hooks\" is not an object");
  return value;
}

const corrupt = (path: string, why: string) =>
  new RemoteError("SETTINGS_CORRUPT", `Cannot read Claude Code settings '${path}': ${why}`, "Fix the file by hand (or move it aside) and run the command again; nothing was changed.", "corrupt");

const isOurHook = (hook: unknown) => isObject(hook) && typeof hook.command === "string" && OURS.test(hook.command);

/** Removes our entries from one event's matcher groups, dropping groups that only held ours. */
function withoutOurs(groups: unknown): unknown[] {
  if (!Array.isArray(groups)) return [];
  const kept: unknown[] = [];
  for (const group of groups) {
    if (!isObject(group) || !Array.isArray(group.hooks)) {
      kept.push(group);
      continue;
    }
    const hooks = group.hooks.filter((h) => !isOurHook(h));
    if (hooks.length === group.hooks.length) kept.push(group);
    else if (hooks.length > 0) kept.push({ ...group, hooks });
  }
  return kept;
}

export type SettingsChange = { readonly settings: Json; readonly changed: boolean };

/** Idempotent: our two hooks present exactly once with the current command; every other hook untouched. */
export function installHooks(settings: Json, self: readonly string[], home?: string): SettingsChange {
  const hooks: Json = isObject(settings.hooks) ? { ...settings.hooks } : {};
  for (const kind of HOOK_KINDS) {
    const event = EVENT_OF[kind];
    const current = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    const ours = { matcher: "", hooks: [{ type: "command", command: hookCommand(self, kind, home), timeout: 5 }] };
    const alreadyExact = current.filter((g) => isObject(g) && Array.isArray(g.hooks) && g.hooks.some(isOurHook));
    if (alreadyExact.length === 1 && JSON.stringify(alreadyExact[0]) === JSON.stringify(ours)) continue;
    hooks[event] = [...withoutOurs(current), ours];
  }
  const next = { ...settings, hooks };
  return { settings: next, changed: JSON.stringify(next) !== JSON.stringify(settings) };
}

/** Removes only our entries; events left empty disappear, and so does an emptied `hooks`. */
export function uninstallHooks(settings: Json): SettingsChange {
  if (!isObject(settings.hooks)) return { settings, changed: false };
  const hooks: Json = { ...settings.hooks };
  for (const kind of HOOK_KINDS) {
    const event = EVENT_OF[kind];
    if (!Array.isArray(hooks[event])) continue;
    const kept = withoutOurs(hooks[event]);
    if (kept.length === 0) delete hooks[event];
    else hooks[event] = kept;
  }
  const next: Json = { ...settings, hooks };
  if (Object.keys(hooks).length === 0) delete next.hooks;
  return { settings: next, changed: JSON.stringify(next) !== JSON.stringify(settings) };
}

export const formatSettings = (settings: Json): string => `${JSON.stringify(settings, null, 2)}\n`;
