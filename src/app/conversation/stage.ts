import { OPENCODE_EXPORT, type ConversationBundle } from "../../domain/conversation/bundle.ts";
import { idOfTranscript, isTranscriptOf, latestTranscript, sideFiles, transcriptDir, type MigratableProfile } from "../../domain/conversation/locate.ts";
import type { ConversationPorts } from "../../domain/conversation/ports.ts";
import { RemoteError } from "../../domain/errors.ts";

export type StageRequest = {
  readonly profile: MigratableProfile;
  /** Undefined: the latest conversation of `cwd`. */
  readonly id?: string | undefined;
  readonly cwd: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string>>;
};

const notFound = (profile: string, id: string | undefined, cwd: string) =>
  new RemoteError(
    "CONVERSATION_NOT_FOUND",
    id === undefined ? `Cannot find a ${profile} conversation for '${cwd}': there is none on this side` : `Cannot find ${profile} conversation '${id}': there is no such conversation on this side`,
    id === undefined ? `Start one with \`remote run ${profile}\` in this folder first, or pass --resume <id>.` : `List them with ${profile}'s own resume picker and pass the id it shows.`,
    "not-found",
  );

/** Reads one conversation (the latest of `cwd` when no id is given) into a bundle that travels. */
export async function stageConversation(ports: ConversationPorts, request: StageRequest): Promise<ConversationBundle> {
  const { profile, cwd, home } = request;
  if (profile === "opencode") {
    const context = { home, cwd, env: request.env };
    const id = request.id ?? (await ports.opencode.latest(context));
    const exported = id === undefined ? undefined : await ports.opencode.exportSession(id, context);
    if (id === undefined || exported === undefined) throw notFound(profile, request.id, cwd);
    return { profile, id, files: [{ path: OPENCODE_EXPORT, content: exported }] };
  }
  const listed = ports.files.list(home, transcriptDir(profile, cwd));
  const file =
    request.id === undefined
      ? latestTranscript(profile, listed.map((entry) => ({ ...entry, firstLine: ports.files.firstLine(home, entry.path) })), cwd)
      : listed.find((entry) => isTranscriptOf(profile, entry.path, request.id as string, cwd));
  if (file === undefined) throw notFound(profile, request.id, cwd);
  const id = request.id ?? idOfTranscript(profile, file.path, ports.files.firstLine(home, file.path));
  if (id === undefined) throw new RemoteError("CONVERSATION_UNREADABLE", `Cannot read the id of '${file.path}': its first line is not what ${profile} writes`, "Pass --resume <id> explicitly.", "corrupt");
  const files = [file.path, ...sideFiles(profile)].flatMap((path) => {
    const content = ports.files.read(home, path);
    return content === undefined ? [] : [{ path, content }];
  });
  return { profile, id, files };
}
