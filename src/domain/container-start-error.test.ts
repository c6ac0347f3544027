import { describe, expect, test } from "bun:test";
import { AGENT_MISSING, agentMissingInImage, agentStartFailedInImage, complaintIn, complaintLines, startFailureFrom } from "./container-start-error.ts";

const place = { kind: "docker", container: "remote-ab12cd34", image: "localhost/remote-session:local", profile: "claude", command: "claude" } as const;

describe("a container's last words, read back by its creator", () => {
  test("the entrypoint's refusal round-trips: the agent missing is named with the container and the image, with the hint", () => {
    const inside = agentMissingInImage("claude", "claude", "localhost/remote-session:local");
    expect(inside.message).toBe("Cannot start claude in image 'localhost/remote-session:local': 'claude' is not on its PATH");
    const log = `some earlier line\n${complaintLines(inside)}`;
    const complaint = complaintIn(log);
    expect(complaint).toEqual({ message: inside.message, hint: inside.hint, code: AGENT_MISSING });
    const outside = startFailureFrom(complaint as NonNullable<typeof complaint>, place);
    expect(outside.code).toBe(AGENT_MISSING);
    expect(outside.message).toBe("Cannot start claude in container 'remote-ab12cd34': 'claude' is not on the PATH of image 'localhost/remote-session:local'");
    expect(outside.hint).toContain("npm run image");
    expect(outside.hint).toContain("--image");
    expect(outside.kind).toBe("unavailable");
  });

  test("another start failure keeps the entrypoint's words and code; a Pod is named a pod", () => {
    const inside = agentStartFailedInImage("codex", "reg.example/s:9", "Permission denied");
    const outside = startFailureFrom(complaintIn(complaintLines(inside)) as NonNullable<ReturnType<typeof complaintIn>>, { ...place, kind: "kubernetes", profile: "codex", image: "reg.example/s:9" });
    expect(outside.code).toBe("AGENT_START_FAILED");
    expect(outside.message).toBe("Cannot start codex in pod 'remote-ab12cd34': Permission denied");
    expect(outside.hint).toBe(inside.hint);
  });

  test("the last `remote:` line wins; an older image's stack between it and its hint is skipped; no code, a generic one", () => {
    const log = ["remote: Cannot wait: first", "hint: old", "remote: unexpected error: Error: boom", "    at run (x.ts:1:1)", "hint: this is a bug; please report it"].join("\n");
    expect(complaintIn(log)).toEqual({ message: "unexpected error: Error: boom", hint: "this is a bug; please report it", code: undefined });
    expect(startFailureFrom(complaintIn(log) as NonNullable<ReturnType<typeof complaintIn>>, place).code).toBe("CONTAINER_START_FAILED");
  });

  test("nothing of the kind said: undefined; control characters and overlong lines do not come through", () => {
    expect(complaintIn("")).toBeUndefined();
    expect(complaintIn("bash: line 1: oops\nsegfault\n")).toBeUndefined();
    const complaint = complaintIn(`remote: \x1b[31mred\x1b[0m ${"x".repeat(5000)}\x07\ncode: not a code\n`);
    expect(complaint?.message.startsWith("red x")).toBe(true);
    expect((complaint?.message.length ?? 0) < 700).toBe(true);
    expect(complaint?.message).not.toMatch(/[\x00-\x1f]/);
    expect(complaint?.code).toBeUndefined();
  });
});
