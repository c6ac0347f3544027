import type { NotifyConfig } from "../../domain/config.ts";
import { definePlugin, type RemotePlugin } from "../../domain/hooks.ts";
import { isRetryable, retryDelayMs, webhookRequest } from "../../domain/notify/webhook-request.ts";
import type { ClockPort, HttpPostPort } from "../../domain/ports.ts";
import { notifyGate } from "./notify-gate.ts";

/** The longest pause between two tries, whatever the backoff base. */
const RETRY_CAP_MS = 60_000;

export type WebhookDeps = {
  readonly clock: ClockPort;
  readonly http: HttpPostPort;
  /** Resolves after `ms` (the backoff between tries). */
  readonly wait: (ms: number) => Promise<void>;
};

/**
 * config.toml notify_webhook_url: an ntfy-compatible POST (text body; Title, Tags, Priority
 * headers), tried again on no answer, 408, 429 and 5xx with an exponential backoff. Errors
 * name only the URL's origin: an ntfy topic in the path is as good as a password.
 */
export const notifyWebhook = (config: NotifyConfig & { readonly webhook: NonNullable<NotifyConfig["webhook"]> }, deps: WebhookDeps): RemotePlugin =>
  definePlugin({
    name: "notify-webhook",
    setup(hooks) {
      const { url, retries, backoffMs, timeoutMs } = config.webhook;
      const origin = new URL(url).origin;
      const gate = notifyGate(config, deps.clock);
      hooks.hook("session:state", async (event) => {
        const notification = gate(event);
        if (!notification) return;
        const request = { ...webhookRequest(notification), timeoutMs };
        for (let attempt = 0; ; attempt++) {
          const answer = await deps.http.post(url, request);
          if (answer.status >= 200 && answer.status < 300) return;
          const why = answer.status === 0 ? `got no answer (${answer.error ?? "unknown"})` : `answered ${answer.status}`;
          if (!isRetryable(answer.status) || attempt >= retries) throw new Error(`POST ${origin} ${why} after ${attempt + 1} tr${attempt === 0 ? "y" : "ies"}`);
          await deps.wait(retryDelayMs(attempt, backoffMs, RETRY_CAP_MS));
        }
      });
    },
  });
