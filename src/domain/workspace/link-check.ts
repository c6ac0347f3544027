/**
 * `.remote/workspace.json` checked without zod: a push reads it first thing, and loading zod
 * and building the workspace schemas costs a push ~15 ms of start-up. WorkspaceLinkSchema
 * (schemas.ts) is the same rules for everything else (a test holds them equal).
 */
export const WORKSPACE_ID = /^[a-z0-9]{4,32}$/;

/** What is wrong with `value` as a link (field: problem), or undefined when it is one. */
export function linkProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  const link = value as Record<string, unknown>;
  if (typeof link.remote !== "string" || link.remote.length === 0) return "remote: a URL is needed";
  if (typeof link.workspaceId !== "string" || !WORKSPACE_ID.test(link.workspaceId)) return "workspaceId: a workspace id (lowercase letters and digits)";
  if (typeof link.path !== "string" || !link.path.startsWith("/")) return "path: an absolute path is needed";
  if (typeof link.home !== "string") return "home: a path is needed";
  return undefined;
}
