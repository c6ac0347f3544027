import { existsSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { hostPolicy } from "../../domain/allowed-hosts.ts";
import { errorMessage, RemoteError } from "../../domain/errors.ts";
import { requireSafeListen } from "../../domain/remote-origin.ts";
import type { AppDeps } from "../deps.ts";
import type { AttachData } from "./attach-relay.ts";
import { createHttpHandler, type HttpHandlerOptions } from "./http-handler.ts";
import { loadOrCreateToken } from "./token.ts";

export type ControlPlane = { readonly url: string; readonly port: number; readonly stop: () => Promise<void> };

/** PEM files for Bun.serve's TLS. */
export type TlsFiles = { readonly certFile: string; readonly keyFile: string };

export type ListenOptions = Omit<HttpHandlerOptions, "hosts" | "tls"> & {
  readonly host: string;
  readonly port: number;
  readonly tls?: TlsFiles | undefined;
  /** Plain http on an address other machines reach (a trusted network). */
  readonly insecure?: boolean | undefined;
  /** Host names answered besides the listen address (--allow-host; config allowed_hosts is added). */
  readonly allowHosts?: readonly string[] | undefined;
};

/** Every address of this machine, for a server listening on all of them. */
const machineAddresses = () =>
  Object.values(networkInterfaces())
    .flat()
    .flatMap((a) => (a && !a.address.includes("%") ? [a.address] : []));

function tlsOption(tls: TlsFiles | undefined) {
  if (tls === undefined) return undefined;
  for (const file of [tls.certFile, tls.keyFile]) {
    if (!existsSync(file)) throw new RemoteError("TLS_FILE_MISSING", `Cannot read TLS file '${file}': it does not exist`, "Give PEM files: --tls-cert cert.pem --tls-key key.pem.", "usage");
  }
  return { cert: Bun.file(tls.certFile), key: Bun.file(tls.keyFile) };
}

/** Bun.serve around the handler. Stopping it closes connections; session hosts live on. */
export function listenControlPlane(app: AppDeps, options: ListenOptions): ControlPlane {
  requireSafeListen(options.host, options.tls !== undefined, options.insecure === true);
  const tls = tlsOption(options.tls);
  const limit = options.maxBodyBytes ?? app.config.maxBodyBytes;
  const allowed = [...app.config.controlPlane.allowedHosts, ...(options.allowHosts ?? [])];
  const handler = createHttpHandler(app, { ...options, hosts: hostPolicy(options.host, allowed, machineAddresses()), tls: tls !== undefined });
  let server: Server<AttachData>;
  try {
    server = Bun.serve<AttachData>({
      hostname: options.host,
      port: options.port,
      ...(tls && { tls }),
      // Our own reader enforces the limit with a JSON 413; Bun's cap is only a backstop above it (and above a route's own larger limit: workspace archives).
      maxRequestBodySize: Math.max(limit, ...handler.routes.map((r) => r.bodyLimit ?? 0)) + 64 * 1024,
      // A stop waits for the agent to exit (a few seconds of grace per signal).
      idleTimeout: 60,
      fetch: (request, srv) => handler.fetch(request, srv) as Promise<Response>,
      websocket: handler.websocket,
    });
  } catch (error) {
    throw new RemoteError("LISTEN_FAILED", `Cannot listen on ${options.host}:${options.port}: ${errorMessage(error)}`, "Pick another --port (0 picks a free one) or stop what holds it.", "unavailable");
  }
  const port = server.port ?? options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `${tls ? "https" : "http"}://${host}:${port}`,
    port,
    stop: async () => {
      handler.closeAll();
      await server.stop(true);
    },
  };
}

export type StartOptions = Omit<ListenOptions, "token" | "tokenFile">;

/** What `remote serve` does: the token from REMOTE_HOME/token (created 0600 at first start), then listen. */
export function startControlPlane(app: AppDeps, options: StartOptions): ControlPlane & { readonly tokenFile: string } {
  const tokenFile = join(app.config.paths.home, "token");
  // Refuse an unsafe listen before a token is created for it.
  requireSafeListen(options.host, options.tls !== undefined, options.insecure === true);
  const token = loadOrCreateToken(tokenFile);
  return { ...listenControlPlane(app, { ...options, token, tokenFile }), tokenFile };
}
