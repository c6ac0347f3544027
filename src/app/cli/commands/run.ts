import { defineCommand } from "citty";
import { resumeFromFlag } from "../argv.ts";
import { json, type CliContext } from "../context.ts";
import { planRun, runSession } from "../../sessions/run.ts";
import { attachSession, requireTerminal } from "../../sessions/attach.ts";
import { exitCodeOf, passthroughArg } from "./_shared.ts";
import { remoteArgs, where } from "./_remote.ts";
import { checkedTarget, printKubeManifests, targetArgs } from "./_target.ts";
import { RemoteError } from "../../../domain/errors.ts";
import { requireRemote } from "../../remote/route.ts";
import { authArgs, authFlagsOf } from "./_auth.ts";
import { kubernetesPlacement } from "../../../domain/target.ts";

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "run", description: "Start a session running an agent CLI (or a shell); args after -- go to the CLI." },
    args: {
      profile: { type: "positional", required: true, description: "shell, claude, codex, gemini, opencode, agy or mistral" },
      name: { type: "string", description: "Session name (default <profile>-<id>)" },
      cwd: { type: "string", description: "Working directory (default: here)" },
      detach: { type: "boolean", description: "Start in the background; do not attach" },
      resume: { type: "string", alias: "r", description: "Resume the latest conversation, or the one with this id" },
      model: { type: "string", description: "Model for the agent CLI" },
      effort: { type: "string", description: "Reasoning effort for the agent CLI" },
      "dry-run": { type: "boolean", description: "Print {command, args, cwd} as JSON (with --target kubernetes: the manifests) and start nothing" },
      ...remoteArgs,
      ...targetArgs,
      ...authArgs,
      ...passthroughArg("Arguments for the agent CLI (for shell, for bash), passed unchanged"),
    },
    run: async ({ args }) => {
      // Flags first: a bad one is refused before anything is built.
      const { target, kube } = checkedTarget(args);
      if (args.json && !args["dry-run"]) throw new RemoteError("FLAG_NEEDS_DRY_RUN", "Cannot use --json with `remote run` without --dry-run: only a dry run prints a result", "Add --dry-run, or drop --json.", "usage");
      const deps = ctx.deps();
      const options = {
        profile: args.profile,
        name: args.name,
        cwd: args.cwd,
        detach: args.detach,
        resume: resumeFromFlag(args.resume),
        model: args.model,
        effort: args.effort,
        args: ctx.passthrough,
      };
      if (target !== "local") {
        if (args.remote !== undefined) throw new RemoteError("FLAG_CONFLICT", `Cannot use --target ${target} with --remote: a control plane picks its own target`, "Drop one of them.", "usage");
        if (target === "docker" || (target === "kubernetes" && !args["dry-run"])) {
          const { planContainerRun, runInContainer } = await import("../../targets/container-sessions.ts");
          const kubernetes = kubernetesPlacement({ target, context: args.context, namespace: kube.namespace }, deps.config.kube.namespace);
          const containerOptions = { ...options, image: kube.image, cpu: kube.cpu, memory: kube.memory, kubernetes };
          if (args["dry-run"]) return deps.stdout(json(planContainerRun(deps, containerOptions)));
          if (!args.detach) requireTerminal(deps, undefined);
          const credentials = await (await import("../../credentials/run-bundle.ts")).containerCredentials(deps, args.profile, authFlagsOf(args));
          const session = await runInContainer(deps, { ...containerOptions, credentials });
          if (args.detach) {
            deps.stdout(`${session.id}\n`);
            deps.stderr(`started ${session.name} in ${target === "kubernetes" ? "pod" : "container"} ${session.target?.container}: attach with \`remote attach ${session.name}\`\n`);
            return;
          }
          ctx.setExitCode(exitCodeOf(await attachSession(deps, session.id)));
          return;
        }
        printKubeManifests(deps, kube, options, args.json === true);
        return;
      }
      if (args["dry-run"]) {
        const { command, args: argv, cwd } = planRun(deps, options);
        deps.stdout(json({ command, args: argv, cwd }));
        return;
      }
      // Refuse before anything starts (a bad profile first): an attach without a terminal would hang.
      if (!args.detach) {
        planRun(deps, options);
        requireTerminal(deps, undefined);
      }
      const { bundleForRun, base64Credentials } = await import("../../credentials/run-bundle.ts");
      const credentials = await bundleForRun(deps, args.profile, authFlagsOf(args), args.remote === undefined ? "local" : "elsewhere");
      if (args.remote !== undefined) {
        const target = requireRemote(deps, args);
        // Only an explicit --cwd travels: this machine's directory means nothing over there.
        const remote = await (await import("../../remote/sessions.ts")).runRemoteSession(deps, target, { ...options, ...(credentials && { credentials: base64Credentials(credentials.bundle) }) });
        if (!remote.attached) {
          deps.stdout(`${remote.session.id}\n`);
          deps.stderr(`started ${remote.session.name} on ${where(target.url)}: attach with \`remote attach ${remote.session.name} --remote ${target.url}\`\n`);
          return;
        }
        ctx.setExitCode(exitCodeOf(remote.attached));
        return;
      }
      const { prepareSessionHome } = await import("../../credentials/session-home.ts");
      const prepareHome = credentials && ((id: string) => prepareSessionHome(deps, id, credentials.bundle.files, { credentialTools: credentials.tools }));
      const result = await runSession(deps, { ...options, prepareHome });
      if (!result.attached) {
        deps.stdout(`${result.session.id}\n`);
        deps.stderr(`started ${result.session.name}: attach with \`remote attach ${result.session.name}\`\n`);
        return;
      }
      ctx.setExitCode(exitCodeOf(result.attached));
    },
  });
