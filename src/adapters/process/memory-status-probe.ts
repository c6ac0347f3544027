import type { ProbeOutcome } from "../../domain/credentials/freshness.ts";
import type { StatusProbePort } from "../../domain/ports.ts";

/** The test fake: the outcome per command name (the argv's last path segment); records every argv it was asked to run. */
export function createMemoryStatusProbe(outcomes: Readonly<Record<string, ProbeOutcome>>): StatusProbePort & { readonly calls: (readonly string[])[] } {
  const calls: (readonly string[])[] = [];
  return {
    calls,
    run: async (argv) => {
      calls.push(argv);
      return outcomes[(argv[0] ?? "").split("/").pop() ?? ""] ?? { kind: "not-found" };
    },
  };
}
