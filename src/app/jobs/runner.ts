/**
 * `remote __job <id> --claim <token>`: runs one headless run of a job and records its
 * outcome. It first registers itself on the claim (refusing if the token is no longer
 * the job's: a newer launch superseded it), runs the profile's headless argv (or the
 * continue argv after a throttle) with the task as ONE argv element and its output
 * appended to output.log, then reads the last lines of this run for a provider throttle.
 * The outcome goes to result.json first (atomic), then to the store in one transaction.
 */
import { errorMessage } from "../../domain/errors.ts";
import { constants } from "node:os";
import { isFinal, transition, type JobEvent } from "../../domain/jobs/job.ts";
import { detectThrottle } from "../../domain/jobs/throttle.ts";
import { continuesConversation, headlessRunCommand } from "../../domain/jobs/run-command.ts";
import type { AppDeps } from "../deps.ts";
import { ensureConductor } from "./auto-conductor.ts";
import { accountToken, delegatorEnv, jobEnv } from "./child-env.ts";
import { handOffSlot } from "./conduct.ts";
import { holdsClaim } from "../../domain/jobs/claim.ts";
import { createJobEvents, finalEvent, type JobEvents } from "./events.ts";
import { fileSize, outputPath, readFrom, resultOf, writeResult, type JobResult } from "./files.ts";
import { throttleOutcome } from "./throttle-outcome.ts";

const signalNumber = (name: string | null) => (name ? (constants.signals as Record<string, number>)[name] : undefined);

export async function runJob(deps: AppDeps, jobId: string, token: string, events: JobEvents = createJobEvents(deps)): Promise<number> {
  const store = deps.jobStore();
  const self = deps.process.identify(process.pid);
  const registered = store.mutate(jobId, (cur) =>
    holdsClaim(cur, token) && (cur.runner === undefined || cur.runner.pid === self?.pid) && self !== undefined ? { ...cur, runner: self } : undefined,
  );
  if (!holdsClaim(registered, token) || registered.runner?.pid !== self?.pid) {
    deps.log.info(`job ${jobId}: claim ${token} is not current (superseded, cancelled or finished): nothing to run`);
    return 0;
  }
  const job = registered;

  let agentPid: number | undefined;
  let cancelled = false;
  const stopAgent = (signal: NodeJS.Signals) => {
    if (agentPid !== undefined && !deps.process.signal(agentPid, signal, true)) deps.process.signal(agentPid, signal);
  };
  // `jobs cancel` signals us: pass it on to the agent's process group, then record as usual.
  deps.onSignal("SIGTERM", () => {
    cancelled = true;
    stopAgent("SIGTERM");
    // An agent that ignores TERM is not left running after a cancel.
    setTimeout(() => stopAgent("SIGKILL"), 5000).unref();
  });
  deps.onSignal("SIGHUP", () => {});
  deps.onSignal("SIGINT", () => {});

  const resumed = continuesConversation(job);
  const output = outputPath(job);
  const from = fileSize(output);
  let exitCode: number;
  let spawnError: string | undefined;
  try {
    // The job runs in its delegator's environment: its SHELL is the one `remote delegate` checked.
    const env = jobEnv(delegatorEnv(deps, job), job, accountToken(deps, job));
    const spec = headlessRunCommand(job, env);
    deps.log.info(`job ${job.id}: ${resumed ? "continue" : "start"} ${spec.command} (${spec.args.length} args) in ${job.cwd}`);
    const child = deps.spawner.spawn({ command: spec.command, args: spec.args, cwd: job.cwd, env, outputPath: output });
    agentPid = child.pid;
    const agent = deps.process.identify(child.pid);
    if (agent) store.mutate(job.id, (cur) => (holdsClaim(cur, token) ? { ...cur, agent } : undefined));
    if (cancelled) stopAgent("SIGTERM");
    const exit = await child.exited;
    exitCode = exit.exitCode ?? 128 + (signalNumber(exit.signal) ?? 0);
  } catch (error) {
    spawnError = errorMessage(error);
    exitCode = 127;
  }

  const now = deps.clock.now();
  const hit = spawnError === undefined ? detectThrottle(job.profile, readFrom(output, from), { now, timeZone: deps.config.jobs.timeZone }) : undefined;
  let event: JobEvent;
  let result: JobResult;
  if (hit !== undefined && !cancelled) {
    const outcome = throttleOutcome(deps, job, hit, now, exitCode);
    event = outcome;
    result =
      outcome.type === "throttle"
        ? { state: "throttled", exitCode, claim: token, signature: outcome.signature, attempts: outcome.attempts, nextRetryAt: outcome.nextRetryAt.toISOString() }
        : { state: "failed", exitCode, claim: token, reason: outcome.reason };
  } else if (exitCode === 0 && spawnError === undefined) {
    event = { type: "succeed", exitCode: 0 };
    result = { state: "done", exitCode: 0, claim: token };
  } else {
    const reason = spawnError ?? `exit code ${exitCode}`;
    event = { type: "fail", reason, exitCode };
    result = { state: "failed", exitCode, claim: token, reason };
  }

  writeResult(job, result);
  let applied = false;
  const final = store.mutate(job.id, (cur) => {
    if (!holdsClaim(cur, token)) return undefined;
    applied = true;
    return { ...transition(cur, event, now), agent: undefined };
  });
  if (!applied || final === undefined) {
    // Someone else ended this run first (a cancel): the file follows the store.
    if (final !== undefined && isFinal(final.state)) writeResult(final, resultOf(final));
    return 0;
  }
  deps.log.info(`job ${job.id}: ${final.state}${final.exitCode === undefined ? "" : ` (exit ${final.exitCode})`}${hit ? ` ${hit.signature}: ${hit.line}` : ""}`);
  await events.emit(final.state === "throttled" ? "job:throttle" : finalEvent(final), final);
  // Only a conductor resumes a throttled job: make sure one is running.
  if (final.state === "throttled") ensureConductor(deps);
  // A throttled job keeps its slot; a finished one frees it for the next in line.
  if (isFinal(final.state) && deps.config.jobs.handoff) for (const error of await handOffSlot(deps, events)) deps.log.warn(`job ${job.id}: could not start the next job: ${error}`);
  return 0;
}
