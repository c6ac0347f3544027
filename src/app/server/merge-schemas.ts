import { z } from "zod";

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
/** POST /workspaces/:id/texts (see merge-routes.ts). */
export const TextsBody = z.object({ sha256s: z.array(Sha256).min(1).max(1000) }).strict();
export const TextsJson = z.object({ texts: z.record(Sha256, z.string()) });
