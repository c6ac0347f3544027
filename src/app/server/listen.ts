import { join } from "node:path";
import type { Server } from "bun";
import { RemoteError, errorMessage } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import type { AttachData } from "./attach-relay.ts";
import { createHttpHandler, type HttpHandlerOptions } from "./http-handler.ts";
import { loadOrCreateToken } from "./token.ts";

export type ControlPlane = { readonly url: string; readonly port: number; readonly stop: () => Promise<void> };

/** Bun.serve around the handler. Stopping it closes connections; session hosts live on. */
export function listenControlPlane(app: AppDeps, options: HttpHandlerOptions & { readonly host: string; readonly port: number }): ControlPlane {
  const handler = createHttpHandler(app, options);
  const limit = options.maxBodyBytes ?? app.config.maxBodyBytes;
  let server: Server<AttachData>;
  try {
    server = Bun.serve<AttachData>({
      hostname: options.host,
      port: options.port,
      // Our own reader enforces the limit with a JSON 413; Bun's cap is only a backstop above it.
      maxRequestBodySize: limit + 64 * 1024,
      // A stop waits for the agent to exit (a few seconds of grace per signal).
      idleTimeout: 60,
      fetch: (request, srv) => handler.fetch(request, srv) as Promise<Response>,
      websocket: handler.websocket,
    });
  } catch (error) {
    throw new RemoteError("LISTEN_FAILED", `Cannot listen on ${options.host}:${options.port}: ${errorMessage(error)}`, "Pick another --port (0 picks a free one) or stop what holds it.", "unavailable");
  }
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${server.port}`,
    port: server.port ?? options.port,
    stop: async () => {
      handler.closeAll();
      await server.stop(true);
    },
  };
}

export type StartOptions = { readonly host: string; readonly port: number; readonly version: string; readonly maxBodyBytes?: number | undefined };

/** What `remote serve` does: the token from REMOTE_HOME/token (created 0600 at first start), then listen. */
export function startControlPlane(app: AppDeps, options: StartOptions): ControlPlane & { readonly tokenFile: string } {
  const tokenFile = join(app.config.paths.home, "token");
  const token = loadOrCreateToken(tokenFile);
  const { maxBodyBytes, ...rest } = options;
  return { ...listenControlPlane(app, { ...rest, token, tokenFile, ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }) }), tokenFile };
}
