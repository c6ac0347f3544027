/**
 * Why a container or Pod session did not start, said on both ends. Inside, `remote __pod`
 * writes its error as three lines on its stderr (the container's log); outside, its creator
 * reads the last lines of that log before removing the container and turns them back into
 * the error it throws and the reason its record keeps. Pure: the text in, the error out.
 */
import { RemoteError } from "./errors.ts";

/** The agent's CLI is not in the session's image. */
export const AGENT_MISSING = "AGENT_MISSING";

/** How many of a container's last output lines are read back: the entrypoint's error is its last words. */
export const LAST_OUTPUT_LINES = 40;

/** Each field read back is capped: the log is the entrypoint's own stderr, but a stack or a runaway line stays short. */
const MAX_FIELD_CHARS = 600;

/** What the entrypoint said when it could not start its session. */
export type ContainerComplaint = { readonly message: string; readonly hint?: string | undefined; readonly code?: string | undefined };

const hintFor = (command: string) =>
  `Use an image with '${command}' installed: \`npm run image\` builds one with claude, codex, gemini and opencode (images/session/Containerfile; README "Targets: containers and Kubernetes"); \`npm run image:local\` has only a shell. Choose it with --image or config.toml container_image.`;

/** Inside: the profile's command is not on the image's PATH (checked before anything waits or starts). */
export const agentMissingInImage = (profile: string, command: string, image: string | undefined) =>
  new RemoteError(AGENT_MISSING, `Cannot start ${profile} in ${image === undefined ? "this image" : `image '${image}'`}: '${command}' is not on its PATH`, hintFor(command), "unavailable");

/** Inside: any other failure to start the agent, in its own words (it is not a bug of ours). */
export const agentStartFailedInImage = (profile: string, image: string | undefined, why: string) =>
  new RemoteError(
    "AGENT_START_FAILED",
    `Cannot start ${profile} in ${image === undefined ? "this image" : `image '${image}'`}: ${why}`,
    "Check that the image can run it as its user 1000: executable, its #! interpreter and libraries there (try the image by hand with the same command).",
    "unavailable",
  );

/** Inside: the lines `remote __pod` ends with on stderr; `complaintIn` reads them back. */
export const complaintLines = (error: RemoteError): string => `remote: ${error.message}\n${error.hint === undefined ? "" : `hint: ${error.hint}\n`}code: ${error.code}\n`;

// Colour, cursor moves and other control characters never reach an error message.
const clean = (line: string) =>
  line
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, "")
    .replace(/[\x00-\x1f\x7f]/g, "")
    .trim()
    .slice(0, MAX_FIELD_CHARS);

/**
 * Outside: the entrypoint's complaint in a container's last output: its last `remote: …` line,
 * with the `hint: …` and `code: …` lines after it (an older image's "unexpected error" has a
 * stack in between). Undefined when it said nothing of the kind.
 */
export function complaintIn(output: string): ContainerComplaint | undefined {
  const lines = output.split(/\r?\n/).map(clean);
  let at = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i] as string).startsWith("remote: ")) {
      at = i;
      break;
    }
  }
  if (at < 0) return undefined;
  const after = lines.slice(at + 1);
  const field = (prefix: string) => after.find((l) => l.startsWith(prefix))?.slice(prefix.length).trim() || undefined;
  const code = field("code: ");
  return { message: (lines[at] as string).slice("remote: ".length).trim(), hint: field("hint: "), code: code !== undefined && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined };
}

/** Where the session was being started, as its creator knows it. */
export type StartPlace = { readonly kind: "docker" | "kubernetes"; readonly container: string; readonly image: string; readonly profile: string; readonly command: string };

/**
 * Outside: the error a session that never got ready ends with, from its entrypoint's complaint:
 * the agent missing from the image named as such, anything else in the entrypoint's words.
 */
export function startFailureFrom(complaint: ContainerComplaint, place: StartPlace): RemoteError {
  const where = `${place.kind === "kubernetes" ? "pod" : "container"} '${place.container}'`;
  if (complaint.code === AGENT_MISSING) {
    return new RemoteError(AGENT_MISSING, `Cannot start ${place.profile} in ${where}: '${place.command}' is not on the PATH of image '${place.image}'`, complaint.hint ?? hintFor(place.command), "unavailable");
  }
  // "Cannot start claude in image 'x': why" inside reads "Cannot start claude in container 'remote-y': why" here.
  const why = complaint.message.replace(/^Cannot start \S+ in (?:image '[^']*'|this image): /, "");
  return new RemoteError(complaint.code ?? "CONTAINER_START_FAILED", `Cannot start ${place.profile} in ${where}: ${why}`, complaint.hint ?? "Nothing was left behind; fix what it says and run again.", "unavailable");
}
