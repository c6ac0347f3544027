/** The config.toml schema, apart from the rest of config.ts: zod is loaded only when a config file exists. */
import { z } from "zod";
import { TARGET_NAMES } from "./target-name.ts";
import { AGENT_STATES } from "./agent-state/agent-state.ts";

/** config.toml in REMOTE_HOME. Unknown keys are kept for later features, never rejected. */
export const ConfigFileSchema = z
  .object({
    retain_bytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).optional(),
    /** How long a session's output must stop before its agent counts as quiet (idle), issue 13. */
    agent_quiet_ms: z.number().int().min(50).max(600_000).optional(),
    scrollback: z.number().int().min(0).max(1_000_000).optional(),
    /** Largest HTTP request body `remote serve` accepts. */
    max_body_bytes: z.number().int().min(1024).max(1024 * 1024 * 1024).optional(),
    plugins: z.array(z.string()).optional(),
    plugin: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    /** Delegation: default cap of slot-holding jobs (`--max-concurrent`). */
    max_concurrent: z.number().int().min(1).max(1000).optional(),
    /** Delegation: base and ceiling of the full-jitter throttle backoff. */
    job_backoff_base_ms: z.number().int().min(1).optional(),
    job_backoff_cap_ms: z.number().int().min(1).optional(),
    /** Delegation: how long a claimed job may wait for its runner before it is relaunched. */
    job_claim_grace_ms: z.number().int().min(0).optional(),
    /** Delegation: a finished job starts the next pending ones itself (false: only `jobs conduct` starts jobs). */
    job_handoff: z.boolean().optional(),
    /** Delegation: a job left waiting (pending, throttled, interactive) starts an automatic conductor (false: only `jobs conduct`). */
    job_auto_conduct: z.boolean().optional(),
    /** Delegation: how often the automatic conductor makes a pass. */
    job_conduct_interval_ms: z.number().int().min(10).optional(),
    /** Delegation: remove a job's worktree once it succeeds, when nothing in it would be lost (default false). */
    job_prune_on_success: z.boolean().optional(),
    /** Docker target: which container CLI ("auto": docker when a daemon answers, else podman). */
    container_engine: z.enum(["auto", "docker", "podman"]).optional(),
    /** Docker target: host (loopback) or none; never the default bridge. */
    container_network: z.enum(["host", "none"]).optional(),
    /** Container targets (docker, kubernetes): the session image when --image is not given. */
    container_image: z.string().min(1).optional(),
    /** `remote serve`: the target of a POST /sessions that names none (default local). */
    default_target: z.enum(TARGET_NAMES).optional(),
    /** Targets: the Kubernetes namespace when --namespace is not given. */
    kube_namespace: z.string().min(1).optional(),
    /** Client: control planes reached over plain http although not on loopback (a trusted network). */
    insecure_remotes: z.array(z.string()).optional(),
    /** `remote serve`: Host names it answers for besides its listen address (`--allow-host`). */
    allowed_hosts: z.array(z.string().min(1)).optional(),
    /** `remote serve`: most WebSockets open at once (`--max-websockets`). */
    max_websockets: z.number().int().min(1).max(100_000).optional(),
    /** Workspaces: most files and links an archive or manifest may hold (more is refused before anything is written). */
    workspace_max_files: z.number().int().min(1).max(10_000_000).optional(),
    /** Workspaces: most bytes of file contents an archive or manifest may hold. */
    workspace_max_bytes: z.number().int().min(1).optional(),
    /** Workspaces: how long a push's lock lives unless renewed. */
    workspace_lock_ttl_ms: z.number().int().min(1000).max(60 * 60_000).optional(),
    /** Notifications (issue 13): which agent states notify (default waiting, needs-approval, throttled). */
    notify_states: z.array(z.enum(AGENT_STATES)).optional(),
    /** Notifications: at most one per session per this many ms, per notifier (default 60 s). */
    notify_min_interval_ms: z.number().int().min(0).optional(),
    /** Notifications: a desktop notification (notify-send, osascript) where a notifier exists. */
    notify_desktop: z.boolean().optional(),
    /** Notifications: OSC 9 / OSC 777 written to the terminals attached to that session. */
    notify_terminal: z.boolean().optional(),
    /** Notifications: POST an ntfy-compatible message here (https://ntfy.sh/<topic>, or any receiver). */
    notify_webhook_url: z.string().regex(/^https?:\/\//, "must start with http:// or https://").optional(),
    /** Notifications: retries of a failed webhook POST (default 3), the first after notify_webhook_backoff_ms (default 1 s), doubling. */
    notify_webhook_retries: z.number().int().min(0).max(10).optional(),
    notify_webhook_backoff_ms: z.number().int().min(1).optional(),
    /** Notifications: how long one webhook POST may take (default 5 s). */
    notify_webhook_timeout_ms: z.number().int().min(1).optional(),
  })
  .passthrough();
export type ConfigFile = z.infer<typeof ConfigFileSchema>;
