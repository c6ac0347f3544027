import type { SessionStateEvent } from "../../domain/agent-state/agent-state.ts";
import type { NotifyConfig } from "../../domain/config.ts";
import { notificationFor, withHeldBack, type Notification } from "../../domain/notify/notification.ts";
import { admitNotification, forgetSession, type RateLedger } from "../../domain/notify/rate-limit.ts";
import type { ClockPort } from "../../domain/ports.ts";

/**
 * One notifier's filter: the states config.toml asked for, then the per-session rate limit.
 * Each notifier has its own, so a slow webhook never holds back the terminal's notice.
 */
export function notifyGate(config: Pick<NotifyConfig, "states" | "minIntervalMs">, clock: ClockPort): (event: SessionStateEvent) => Notification | undefined {
  let ledger: RateLedger = new Map();
  return (event) => {
    const notification = notificationFor(event, config.states);
    if (event.current.state === "exited") ledger = forgetSession(ledger, event.session.id);
    if (!notification) return undefined;
    const decision = admitNotification(ledger, event.session.id, clock.now().getTime(), config.minIntervalMs);
    ledger = decision.ledger;
    return decision.send ? withHeldBack(notification, decision.heldBefore) : undefined;
  };
}
