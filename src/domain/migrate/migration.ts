import { z } from "zod";
import { shellQuote } from "../claude-settings.ts";
import { MIGRATABLE_PROFILES, type MigratableProfile } from "../conversation/locate.ts";
import { interactiveCommand } from "../profiles.ts";

/**
 * A migration of one piece of work (files + one conversation) to a control plane and back,
 * recorded step by step in `.remote/migration.json`: running the same command again after
 * an interruption skips the steps already done and carries on (issue 10 item 6).
 */
export const FORWARD_STEPS = ["push", "start"] as const;
/** back: stop the far session, bring the conversation home, commit the far folder's changes to the workspace, pull. */
export const BACK_STEPS = ["stop", "conversation", "commit", "pull"] as const;
export type ForwardStep = (typeof FORWARD_STEPS)[number];
export type BackStep = (typeof BACK_STEPS)[number];

export const MigrationStateSchema = z.object({
  profile: z.enum(MIGRATABLE_PROFILES),
  /** The conversation that travels; fixed at the first step so a re-run moves the same one. */
  conversationId: z.string().min(1),
  remote: z.string().min(1),
  target: z.string().optional(),
  /**
   * The idempotency key of the start, written before the request: a re-run after a start
   * whose answer was lost gets the session that start made, never a second one.
   */
  startKey: z.string().optional(),
  /** The session on the other side, once started. */
  sessionId: z.string().optional(),
  /** "away": the work runs over there; "home": it came back (a new forward starts afresh). */
  where: z.enum(["away", "home"]),
  forward: z.array(z.enum(FORWARD_STEPS)),
  back: z.array(z.enum(BACK_STEPS)),
  /** The backup id a diverged local conversation got on the way back. */
  backupId: z.string().optional(),
  /** The pull on the way back left conflicts (markers, .bak files) for a person. */
  conflicts: z.array(z.string()).optional(),
});
export type MigrationState = z.infer<typeof MigrationStateSchema>;

export const MIGRATION_STATE = "migration.json";

export const pending = <S extends string>(all: readonly S[], done: readonly S[]): S[] => all.filter((step) => !done.includes(step));

/** The migration under way carried on (an interrupted forward, or a reconnect), else a fresh one. */
export function forwardState(existing: MigrationState | undefined, fresh: Omit<MigrationState, "where" | "forward" | "back">): MigrationState {
  return existing?.where === "away" ? existing : { ...fresh, where: "away", forward: [], back: [] };
}

export const withStep = <K extends "forward" | "back">(state: MigrationState, kind: K, step: MigrationState[K][number]): MigrationState =>
  ({ ...state, [kind]: [...(state[kind] as string[]).filter((s) => s !== step), step] }) as MigrationState;

/** The exact commands that resume the conversation here, its id included (SPEC §6: never without it). */
export function resumeCommands(profile: MigratableProfile, conversationId: string): { readonly cli: string; readonly remote: string } {
  const { command, args } = interactiveCommand(profile, { resume: conversationId });
  return { cli: [command, ...args].map(shellQuote).join(" "), remote: ["remote", "run", profile, "--resume", conversationId].map(shellQuote).join(" ") };
}
