import type { AppDeps } from "../deps.ts";

/** A fresh claim token: unguessable enough that two launches never share one (the rule itself: domain/jobs/claim.ts). */
export const newClaimToken = (deps: Pick<AppDeps, "random">) => deps.random.id(16);
