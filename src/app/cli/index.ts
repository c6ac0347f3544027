import { defineCommand } from "./define-command.ts";
import type { CliContext } from "./context.ts";

/** The command table: literal lazy imports, so the compiled binary bundles them all. */
export function createCli(ctx: CliContext) {
  return defineCommand({
    meta: { name: "remote", version: ctx.version, description: "Persistent, attachable sessions for AI coding-agent CLIs and shells." },
    subCommands: {
      run: () => import("./commands/run.ts").then((m) => m.default(ctx)),
      attach: () => import("./commands/attach.ts").then((m) => m.default(ctx)),
      ls: () => import("./commands/ls.ts").then((m) => m.default(ctx)),
      stop: () => import("./commands/stop.ts").then((m) => m.default(ctx)),
      rename: () => import("./commands/rename.ts").then((m) => m.default(ctx)),
      logs: () => import("./commands/logs.ts").then((m) => m.default(ctx)),
      send: () => import("./commands/send.ts").then((m) => m.default(ctx)),
      rm: () => import("./commands/rm.ts").then((m) => m.default(ctx)),
      prune: () => import("./commands/prune.ts").then((m) => m.default(ctx)),
      enroll: () => import("./commands/enroll.ts").then((m) => m.default(ctx)),
      serve: () => import("./commands/serve.ts").then((m) => m.default(ctx)),
      config: () => import("./commands/config.ts").then((m) => m.default(ctx)),
      smoke: () => import("./commands/smoke.ts").then((m) => m.default(ctx)),
      delegate: () => import("./commands/delegate.ts").then((m) => m.default(ctx)),
      jobs: () => import("./commands/jobs.ts").then((m) => m.default(ctx)),
      account: () => import("./commands/account.ts").then((m) => m.default(ctx)),
      auth: () => import("./commands/auth.ts").then((m) => m.default(ctx)),
      refresh: () => import("./commands/refresh.ts").then((m) => m.default(ctx)),
      workspace: () => import("./commands/workspace.ts").then((m) => m.default(ctx)),
      migrate: () => import("./commands/migrate.ts").then((m) => m.default(ctx)),
      wait: () => import("./commands/wait.ts").then((m) => m.default(ctx)),
      plugin: () => import("./commands/plugin.ts").then((m) => m.default(ctx)),
      __host: () => import("./commands/host.ts").then((m) => m.default(ctx)),
      __pod: () => import("./commands/pod.ts").then((m) => m.default(ctx)),
      __credentials: () => import("./commands/credentials-in.ts").then((m) => m.default(ctx)),
      __unpack: () => import("./commands/unpack.ts").then((m) => m.default(ctx)),
      __pack: () => import("./commands/pack.ts").then((m) => m.default(ctx)),
      __conversation: () => import("./commands/conversation-in.ts").then((m) => m.default(ctx)),
      __prepared: () => import("./commands/prepared.ts").then((m) => m.default(ctx)),
      __job: () => import("./commands/job-runner.ts").then((m) => m.default(ctx)),
    },
  });
}
