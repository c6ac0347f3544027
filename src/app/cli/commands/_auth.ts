/** The credential flags of `run` (and, later, of every command that starts a session somewhere). */
export const authArgs = {
  "with-auth": { type: "boolean", description: "Give a local session a HOME of its own holding your credential files for its CLI (sessions elsewhere get them by default)" },
  with: { type: "string", description: "Also send these tools' credentials: comma-separated gh, aws, gcloud, scw, npm, docker (implies --with-auth)" },
  auth: { type: "boolean", description: "--no-auth: send no credentials at all" },
  preflight: { type: "boolean", description: "--no-preflight: skip the CLI's own login check (`claude auth status`, `codex login status`)" },
} as const;

export const authFlagsOf = (args: { "with-auth"?: boolean | undefined; with?: string | undefined; auth?: boolean | undefined; preflight?: boolean | undefined }) => ({
  withAuth: args["with-auth"],
  with: args.with,
  auth: args.auth,
  preflight: args.preflight,
});
