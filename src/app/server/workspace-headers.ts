/** The workspace routes' headers (a module of their own: the CLI's push loads them without the zod schemas). */

/** The writer's lease token: a header, so it never lands in a URL or a log line. */
export const LOCK_HEADER = "x-remote-lock";
export const VERSION_HEADER = "x-remote-workspace-version";
