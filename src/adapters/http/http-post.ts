import { errorMessage } from "../../domain/errors.ts";
import type { HttpPostPort } from "../../domain/ports.ts";

/** fetch, with a deadline; a failure to get any answer is status 0, not a throw (the caller decides to retry). */
export function createHttpPost(): HttpPostPort {
  return {
    post: async (url, { body, headers, timeoutMs }) => {
      try {
        const response = await fetch(url, { method: "POST", body, headers: { ...headers }, signal: AbortSignal.timeout(timeoutMs), redirect: "error" });
        await response.body?.cancel();
        return { status: response.status };
      } catch (error) {
        return { status: 0, error: errorMessage(error) };
      }
    },
  };
}
