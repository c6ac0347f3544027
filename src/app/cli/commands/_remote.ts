import { remoteLocation } from "../../../domain/remote-target.ts";

/** `--remote URL` on session commands: act on that control plane instead of this machine. */
export const remoteArg = {
  type: "string",
  description: "Control plane URL for this command (token: REMOTE_TOKEN or `remote config set token -`)",
} as const;

/** How a person names a remote in messages: its host. */
export const where = (url: string) => remoteLocation(url);
