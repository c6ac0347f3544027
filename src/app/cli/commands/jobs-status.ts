import { defineCommand } from "citty";
import type { JobRecord } from "../../../domain/jobs/job.ts";
import { json, type CliContext } from "../context.ts";
import { createJobEvents } from "../../jobs/events.ts";
import { jobStatus } from "../../jobs/manage.ts";
import { jobArg, jsonArg } from "./_shared.ts";

function describe(j: JobRecord): string {
  const rows: [string, string | undefined][] = [
    ["id", j.id],
    ["name", j.name],
    ["profile", j.fallbackFrom ? `${j.profile} (fell back from ${j.fallbackFrom})` : j.profile],
    ["state", j.state],
    ["exit code", j.exitCode === undefined ? undefined : String(j.exitCode)],
    ["reason", j.failReason],
    ["mode", j.remoteTarget ? `remote ${j.remoteTarget}${j.sessionId ? ` (session ${j.sessionId})` : ""}` : j.headless ? "headless" : `interactive${j.sessionId ? ` (session ${j.sessionId})` : ""}`],
    ["task", j.task],
    ["cwd", j.cwd || undefined],
    ["job dir", j.jobDir],
    ["account", j.accountId],
    ["throttles", j.throttle ? `${j.throttle.attempts} (last ${j.throttle.lastSignature ?? "?"}, retry at ${j.throttle.nextRetryAt})` : undefined],
    ["depth budget", String(j.depthBudget)],
    ["created", j.createdAt],
    ["started", j.startedAt],
    ["ended", j.endedAt],
  ];
  return `${rows
    .filter((r): r is [string, string] => r[1] !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(14)}${v}`)
    .join("\n")}\n`;
}

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "status", description: "One job in detail." },
    args: { ref: jobArg, json: jsonArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const job = await jobStatus(deps, args.ref, createJobEvents(deps));
      deps.stdout(args.json ? json(job) : describe(job));
    },
  });
