import { z } from "zod";
import { TARGET_NAMES } from "../../domain/target-name.ts";
import { ConversationBundleSchema } from "../../domain/conversation/bundle.ts";
import { CONVERSATION_POLICIES } from "../../domain/conversation/restore-rules.ts";
import { AGENT_STATES } from "../../domain/agent-state/agent-state.ts";
import { WorkspaceIdSchema } from "../../domain/workspace/schemas.ts";

/** Error body of every 4xx/5xx. */
export const ErrorBody = z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).meta({ id: "Error" });

/** Exactly one session as `remote ls --json` prints it. */
export const SessionJson = z
  .object({
    id: z.string(),
    name: z.string(),
    profile: z.string(),
    source: z.enum(["run", "hook"]),
    state: z.enum(["starting", "running", "exited", "failed", "lost"]).describe("failed: it never got going (see reason); lost: its host vanished without recording an end"),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable().describe("The signal that ended it, when it did not exit by itself"),
    pid: z.number().int().nullable(),
    cwd: z.string(),
    createdAt: z.string(),
    endedAt: z.string().nullable(),
    clients: z.number().int(),
    reason: z.string().nullable().optional().describe("Why it failed or is lost"),
    target: z.enum(TARGET_NAMES).optional().describe("Where it runs: local (this machine's host server), docker (a container) or kubernetes (a Pod)"),
    container: z.string().nullable().optional().describe("With target docker or kubernetes: the container's or Pod's name"),
    targetState: z.string().nullable().optional().describe('A live container session the engine does not report plainly running: "pending", "pending: ImagePullBackOff", "waiting: CrashLoopBackOff (last OOMKilled, exit code 137; 3 restarts)"'),
    targetStatus: z
      .object({ state: z.enum(["running", "created", "waiting", "exited", "missing"]), reason: z.string().optional(), message: z.string().optional(), restarts: z.number().int().optional(), lastReason: z.string().optional(), lastExitCode: z.number().int().optional() })
      .loose()
      .nullable()
      .optional()
      .describe("The container engine's or cluster's status of a live container session, as data"),
    agent: z
      .object({
        state: z.enum(AGENT_STATES),
        since: z.string().describe("When it entered this state (ISO 8601)"),
        resetAt: z.string().nullable().describe("throttled: when the rate limit resets, when known"),
        detail: z.string().nullable().describe("A short note: the permission asked for, the rate-limit line"),
      })
      .nullable()
      .optional()
      .describe("What its agent is doing: starting, working, waiting (for you), needs-approval, throttled, idle (quiet output), exited; null when its host is lost"),
  })
  .meta({ id: "Session" });

/** HOME-relative path -> file content, base64. Paths are checked again (no `..`, not absolute) before any write. */
export const CredentialBundle = z.record(z.string().min(1).max(512), z.base64()).meta({ id: "CredentialBundle" });

const Size = z.number().int().min(1).max(1000);

export const CreateSessionBody = z
  .object({
    profile: z.string().min(1).describe("shell, claude, codex, gemini, opencode, agy, mistral (or an alias)"),
    target: z
      .enum(TARGET_NAMES)
      .optional()
      .describe("Where the session runs: local (the server's host server), docker (a container) or kubernetes (a Pod, through the server's kubectl). Default: the server's config default_target, else local"),
    image: z.string().trim().min(1).optional().describe("target docker or kubernetes: the session image (default: the server's config container_image)"),
    cpu: z.string().min(1).optional().describe('target docker or kubernetes: CPU limit, cores or millicores ("2", "500m")'),
    memory: z.string().min(1).optional().describe('target docker or kubernetes: memory limit ("512Mi", "4Gi")'),
    context: z.string().min(1).optional().describe("target kubernetes: the kube context (default: the server's kubeconfig current one)"),
    namespace: z.string().min(1).optional().describe("target kubernetes: the namespace (default: the server's config kube_namespace)"),
    displayName: z.string().optional().describe("Session name (default <profile>-<id>)"),
    cwd: z.string().optional().describe("Working directory on the server (default: where serve runs)"),
    resume: z.union([z.literal(true), z.string().min(1)]).optional().describe("true: the latest conversation; a string: that conversation id"),
    model: z.string().optional(),
    effort: z.string().optional(),
    startupArgs: z.array(z.string()).max(1024).optional().describe("Arguments handed to the agent CLI unchanged"),
    cols: Size.optional(),
    rows: Size.optional(),
    metadata: z.record(z.string(), z.unknown()).optional().describe("Kept with the session record"),
    credentials: CredentialBundle.optional().describe("Given: the session runs with a HOME of its own (0700, in the server's data dir) holding these files (0600), instead of the server's HOME; on target docker the files (0600) are in the container's HOME before its agent starts"),
    conversation: ConversationBundleSchema.optional().describe(
      "A conversation (remote migrate forward) restored into the session's HOME (a container's or Pod's too, through its exec) before its agent starts; resume names its id",
    ),
    workspace: WorkspaceIdSchema.optional().describe(
      "A workspace of this control plane: the session works at the workspace's path (path parity; cwd defaults to it and must lie inside it). Target local: materialised there before the agent starts (an absent or empty folder, or this workspace's own copy brought up to its version; any other folder is refused, 409). Target docker or kubernetes: HOME at the workspace's home path and its files at its path on the session's volume, put in through the container's exec before the agent starts",
    ),
    idempotencyKey: z
      .string()
      .regex(/^[A-Za-z0-9_-]{8,64}$/)
      .optional()
      .describe("The client's key for this start: a POST with a key an earlier one used answers that session (200) and starts nothing, so a retry after a lost answer never starts a second one"),
    conversationPolicy: z.enum(CONVERSATION_POLICIES).optional().describe("When the session's HOME holds a diverged copy of the conversation: block (default, 409), backup, keep-local"),
    env: z
      .object({
        REMOTE_JOB_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
        REMOTE_DELEGATE_DEPTH: z.string().regex(/^\d{1,3}$/).optional(),
      })
      .strict()
      .optional()
      .describe("The few variables a delegated job hands its agent; anything else is refused (no PATH or LD_PRELOAD from a client)"),
  })
  .strict();

export const RenameBody = z.object({ displayName: z.string().min(1) }).strict();
export const StopBody = z.object({ reason: z.string().max(1000).optional() }).strict();
export const SendBody = z.object({ text: z.string(), enter: z.boolean().optional() }).strict();
export const CredentialsBody = z.object({ credentials: CredentialBundle }).strict();

// Queries are lenient about extra keys (cache busters); the token keys are refused earlier.
export const LogsQuery = z.object({ lines: z.coerce.number().int().min(1).max(1_000_000).optional() });

export const SessionList = z.object({ sessions: z.array(SessionJson) });
export const LogsResult = z.object({ text: z.string(), offset: z.number().int().optional() });
export const CredentialsResult = z.object({ updated: z.number().int(), skipped: z.boolean(), hash: z.string() });
export const Health = z.object({ ok: z.literal(true), version: z.string() });

/** Schemas with an id that others nest: registered up front so /openapi.json refs them under components. */
export const NAMED_SCHEMAS: readonly z.ZodType[] = [ErrorBody, SessionJson, CredentialBundle, ConversationBundleSchema];

export const ConversationQuery = z.object({ id: z.string().min(1).max(200).optional() });
