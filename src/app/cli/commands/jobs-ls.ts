import { defineCommand } from "citty";
import type { JobRecord } from "../../../domain/jobs/job.ts";
import { json, table, type CliContext } from "../context.ts";
import { createJobEvents } from "../../jobs/events.ts";
import { listJobs } from "../../jobs/manage.ts";
import { jsonArg } from "./_shared.ts";
import { listSessions } from "../../sessions/find.ts";
import { agentView, describeAgent } from "../../../domain/agent-state/view.ts";

const shortTask = (task: string) => {
  const line = task.replace(/\s+/g, " ").trim();
  return line.length > 48 ? `${line.slice(0, 47)}…` : line;
};
const stateText = (j: JobRecord) => {
  if (j.state === "throttled") return `throttled (retry ${j.throttle?.nextRetryAt.slice(11, 19) ?? "?"})`;
  if (j.state === "done" || j.state === "failed") return `${j.state}(${j.exitCode ?? "-"})`;
  return j.state;
};
const mode = (j: JobRecord) => (j.remoteTarget !== undefined ? "remote" : j.headless ? "headless" : "session");

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "ls", description: "List jobs, oldest first." },
    args: { json: jsonArg },
    run: async ({ args }) => {
      const deps = ctx.deps();
      const jobs = await listJobs(deps, createJobEvents(deps));
      // An interactive job's session says what its agent is doing (waiting for you, needs approval, ...).
      const sessions = new Map(jobs.some((j) => j.sessionId !== undefined && !j.headless) ? listSessions(deps).map((s) => [s.id, s]) : []);
      const agentOf = (j: JobRecord) => {
        const session = j.headless || j.sessionId === undefined ? undefined : sessions.get(j.sessionId);
        return session === undefined ? undefined : agentView(session, session.view);
      };
      if (args.json) return deps.stdout(json(jobs.map((j) => ({ ...j, agent: agentOf(j) ?? null }))));
      const now = deps.clock.now().getTime();
      if (jobs.length === 0) return deps.stderr("no jobs: delegate one with `remote delegate claude 'task' --headless`\n");
      deps.stdout(
        table(
          ["ID", "NAME", "PROFILE", "STATE", "MODE", "AGENT", "CREATED", "TASK"],
          jobs.map((j) => {
            const agent = agentOf(j);
            return [j.id, j.name ?? "-", j.profile, stateText(j), mode(j), agent ? describeAgent(agent, now) : "-", j.createdAt.replace("T", " ").slice(0, 19), shortTask(j.task)];
          }),
        ),
      );
    },
  });
