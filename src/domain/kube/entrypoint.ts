/**
 * What a session container starts: our compiled binary in session-host mode, with the
 * agent's argv after `--`. One constant, so the container target's work (issue 9 item 2)
 * changes the in-container command in one place.
 */
export const SESSION_ENTRYPOINT: readonly string[] = ["/usr/local/bin/remote", "__pod"];

/** Where the credential Secret is mounted read-only; the entrypoint copies each file to HOME with mode 0600. */
export const CREDENTIALS_MOUNT = "/var/run/remote/credentials";

/** The environment the entrypoint reads (never a credential: those travel only in the Secret). */
export const SESSION_ENV = {
  sessionId: "REMOTE_SESSION_ID",
  sessionName: "REMOTE_SESSION_NAME",
  profile: "REMOTE_PROFILE",
  credentialsDir: "REMOTE_CREDENTIALS_DIR",
  workspace: "REMOTE_WORKSPACE",
} as const;
