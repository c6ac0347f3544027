/** The credential flags of `run` (and, later, of every command that starts a session somewhere). */
export const authArgs = {
  "with-auth": { type: "boolean", description: "Give a local session a HOME of its own holding your credential files for its CLI (sessions elsewhere get them by default)" },
  with: { type: "string", description: "Also send these tools' credentials: comma-separated gh, aws, gcloud, scw, npm, docker (implies --with-auth)" },
  // Declared on by default so the help shows the switch people type: --no-auth, --no-preflight.
  auth: { type: "boolean", default: true, description: "Send credentials where the session needs them", negativeDescription: "Send no credentials at all" },
  preflight: {
    type: "boolean",
    default: true,
    description: "Check the CLI's own login first (`claude auth status`, `codex login status`, 10 s)",
    negativeDescription: "Skip that login check",
  },
} as const;

export const authFlagsOf = (args: { "with-auth"?: boolean | undefined; with?: string | undefined; auth?: boolean | undefined; preflight?: boolean | undefined }) => ({
  withAuth: args["with-auth"],
  with: args.with,
  auth: args.auth,
  preflight: args.preflight,
});
