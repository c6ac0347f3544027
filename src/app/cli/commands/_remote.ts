import { remoteLocation } from "../../../domain/remote-target.ts";

/** `--remote URL` on session commands: act on that control plane instead of this machine. */
export const remoteArg = {
  type: "string",
  description: "Control plane URL for this command (its token: `remote config set token - --remote URL`)",
} as const;

/** `--insecure`: plain http to a control plane that is not on this machine (the token crosses the network in clear). */
export const insecureArg = {
  type: "boolean",
  description: "Allow plain http to a control plane off this machine (config: insecure_remotes)",
} as const;

/** The pair every command that may reach a control plane takes. */
export const remoteArgs = { remote: remoteArg, insecure: insecureArg } as const;

/** How a person names a remote in messages: its host. */
export const where = (url: string) => remoteLocation(url);
