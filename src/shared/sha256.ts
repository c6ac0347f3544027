import { createHash } from "node:crypto";
import type { Sha256 } from "../domain/credentials/bundle.ts";

/** sha256 of the chunks in order, hex: the function the domain's bundle hash is given. */
export const sha256Hex: Sha256 = (chunks) => {
  const hash = createHash("sha256");
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest("hex");
};
