import { z } from "zod";
import { MIGRATABLE_PROFILES } from "./locate.ts";

/**
 * One conversation as it travels: its profile, id, and files by HOME-relative path (a
 * transcript and side files such as gemini's projects.json; for opencode the export JSON
 * under OPENCODE_EXPORT). Parsed with zod wherever it crosses an edge.
 */
export const OPENCODE_EXPORT = "opencode-export.json";

const HomeRelativePath = z
  .string()
  .min(1)
  .max(1024)
  .refine((path) => !path.startsWith("/") && !path.split("/").some((part) => part === ".." || part === "." || part === ""), "a HOME-relative path without '..'");

export const ConversationBundleSchema = z
  .object({
    profile: z.enum(MIGRATABLE_PROFILES),
    id: z.string().min(1).max(200),
    files: z.array(z.object({ path: HomeRelativePath, content: z.string() }).strict()).max(16),
  })
  .strict()
  .meta({ id: "ConversationBundle" });
export type ConversationBundle = z.infer<typeof ConversationBundleSchema>;

/** Side files are JSON maps (gemini's projects.json): what the incoming one adds is merged in, what is here wins. */
export function mergeSideFile(local: string | undefined, incoming: string): string | undefined {
  if (local === undefined) return incoming;
  const [here, there] = [parseObject(local), parseObject(incoming)];
  if (here === undefined || there === undefined) return undefined;
  const merged = mergeObjects(here, there);
  return JSON.stringify(merged) === JSON.stringify(here) ? undefined : `${JSON.stringify(merged, null, 2)}\n`;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
const parseObject = (text: string): Json | undefined => {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
};
const mergeObjects = (here: Json, there: Json): Json => {
  const out: Json = { ...here };
  for (const [key, value] of Object.entries(there)) {
    const mine = out[key];
    out[key] = mine === undefined ? value : isObject(mine) && isObject(value) ? mergeObjects(mine, value) : mine;
  }
  return out;
};
