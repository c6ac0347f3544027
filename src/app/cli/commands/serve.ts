import { resolve } from "node:path";
import { defineCommand } from "citty";
import { RemoteError } from "../../../domain/errors.ts";
import { parseNumericFlag, parseOptionalNumericFlag, type NumericFlag } from "../../../domain/numeric-flag.ts";
import { isLoopbackHost } from "../../../domain/remote-origin.ts";
import type { CliContext } from "../context.ts";
import { startControlPlane } from "../../server/listen.ts";
import { numberArg } from "./_shared.ts";
import { controlPlaneTokenHint, renderControlPlaneManifests } from "../../../domain/kube/control-plane-manifests.ts";
import { manifestsText } from "../../kube/manifests-text.ts";

const PORT: NumericFlag = { kind: "integer", min: 0, max: 65535, example: "7070" };
const MAX_BODY: NumericFlag = { kind: "integer", min: 1, max: 1024 * 1024 * 1024, example: "1048576" };
const MAX_WEBSOCKETS: NumericFlag = { kind: "integer", min: 1, max: 100_000, example: "128" };

/** Port 0 (any free one) means nothing to a Service: the manifests then use the default. */
const inClusterPort = (port: number) => (port === 0 ? undefined : port);

function tlsFiles(cert: string | undefined, key: string | undefined) {
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new RemoteError("INVALID_FLAG", "Cannot serve TLS with half a key pair: --tls-cert and --tls-key go together", "Pass both PEM files: --tls-cert cert.pem --tls-key key.pem.", "usage");
  }
  return { certFile: resolve(cert), keyFile: resolve(key) };
}

/**
 * Every `--allow-host a --allow-host b` (or `--allow-host=a,b`): read off the raw argv, since
 * the parsed args keep only the last value of a repeated string flag.
 */
export function hostList(rawArgs: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length && rawArgs[i] !== "--"; i++) {
    const word = rawArgs[i] as string;
    if (word === "--allow-host" && i + 1 < rawArgs.length) values.push(rawArgs[++i] as string);
    else if (word.startsWith("--allow-host=")) values.push(word.slice("--allow-host=".length));
  }
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
}

export default (ctx: CliContext) =>
  defineCommand({
    meta: { name: "serve", description: "Run the control plane (HTTP + WebSocket API) in the foreground; Ctrl-C stops it, sessions keep running." },
    args: {
      host: { type: "string", description: "Address to listen on (off loopback: TLS, or --insecure)", default: "127.0.0.1" },
      port: { ...numberArg("Port (0 picks a free one)", PORT), default: "7070" },
      data: { type: "string", description: "Data dir, used as REMOTE_HOME (store, sockets, token) (default: REMOTE_HOME)" },
      "max-body": numberArg("Largest request body in bytes (default: config max_body_bytes, else 1 MiB)", MAX_BODY),
      "print-manifests": { type: "boolean", description: "Print the Kubernetes manifests that run this control plane in a cluster (YAML; --json for a List), and serve nothing" },
      namespace: { type: "string", description: "With --print-manifests: the namespace (default: config kube_namespace, else default)" },
      image: { type: "string", description: "With --print-manifests: the image (default: config container_image, else localhost/remote-session:local)" },
      json: { type: "boolean", description: "With --print-manifests: JSON instead of YAML" },
      "tls-cert": { type: "string", description: "PEM certificate: serve https (with --tls-key)" },
      "tls-key": { type: "string", description: "PEM private key of --tls-cert" },
      insecure: { type: "boolean", description: "Allow plain http on an address other machines reach (a trusted network only)" },
      "allow-host": { type: "string", description: "Host name clients use besides the listen address (repeat, or comma-separate; config: allowed_hosts)" },
      "max-websockets": numberArg("Most WebSockets open at once (default: config max_websockets, else 128)", MAX_WEBSOCKETS),
    },
    run: async ({ args, rawArgs }) => {
      if (args["print-manifests"]) {
        const deps = ctx.deps();
        const namespace = args.namespace ?? deps.config.kube.namespace;
        deps.stdout(manifestsText(renderControlPlaneManifests({ namespace, image: args.image ?? deps.config.containers.image, port: inClusterPort(parseNumericFlag("--port", args.port, PORT)) }), args.json === true));
        deps.stderr(`${controlPlaneTokenHint(namespace)}\n`);
        return;
      }
      for (const flag of ["namespace", "image", "json"] as const) {
        if (args[flag] !== undefined) throw new RemoteError("FLAG_NEEDS_PRINT_MANIFESTS", `Cannot use --${flag} with \`remote serve\`: it applies only with --print-manifests`, "Add --print-manifests, or drop it.", "usage");
      }
      const port = parseNumericFlag("--port", args.port, PORT);
      const maxBodyBytes = parseOptionalNumericFlag("--max-body", args["max-body"], MAX_BODY);
      const maxWebSockets = parseOptionalNumericFlag("--max-websockets", args["max-websockets"], MAX_WEBSOCKETS);
      const tls = tlsFiles(args["tls-cert"], args["tls-key"]);
      // --data is this process's REMOTE_HOME, and so that of every session host it starts (they get deps.env).
      const deps = args.data === undefined ? ctx.deps() : ctx.depsWithEnv({ REMOTE_HOME: resolve(args.data) });
      const allowHosts = hostList(rawArgs);
      const plane = startControlPlane(deps, { host: args.host, port, version: ctx.version, maxBodyBytes, maxWebSockets, tls, insecure: args.insecure, allowHosts });
      deps.stderr(`remote control plane on ${plane.url}\n`);
      deps.stderr(`token file: ${plane.tokenFile}\n`);
      if (args.insecure && tls === undefined && !isLoopbackHost(args.host)) deps.stderr(`warning: plain http on ${args.host} (--insecure): the token crosses the network in clear text\n`);

      // One bad request or relay must not take the API down (sessions would survive, clients would not).
      deps.onUncaughtError((error) => deps.stderr(`remote serve: unexpected error (still serving): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
      await new Promise<void>((done) => {
        deps.onSignal("SIGINT", done);
        deps.onSignal("SIGTERM", done);
      });
      await plane.stop();
      deps.stderr("remote control plane stopped; sessions keep running\n");
    },
  });
