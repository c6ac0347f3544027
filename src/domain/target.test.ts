import { describe, expect, test } from "bun:test";
import { pathsFor, socketPathFor } from "./config.ts";
import { isRemoteError } from "./errors.ts";
import { chooseEngine, CONTAINER_HOME, CONTAINER_HOME_META, containerEnv, containerHomeOf, containerLabels, containerSocketFor, CONTAINER_REMOTE_HOME, isInside, kubernetesPlacement, parsePodSpec, podExitCode, rediscoveredCredentialMeta } from "./target.ts";
import { sessionPatchForContainer } from "./target-status.ts";

const usageError = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return isRemoteError(error) ? error : undefined;
  }
  return undefined;
};

describe("targets", () => {
  test("engine choice: a docker daemon that answers wins, else podman, else none", () => {
    const here = { dockerAnswers: false, dockerPresent: true, podmanPresent: true };
    expect(chooseEngine("auto", here)).toBe("podman");
    expect(chooseEngine("auto", { ...here, dockerAnswers: true })).toBe("docker");
    expect(chooseEngine("auto", { ...here, podmanPresent: false })).toBeUndefined();
    expect(chooseEngine("docker", here)).toBe("docker");
    expect(chooseEngine("podman", { ...here, podmanPresent: false })).toBeUndefined();
  });

  test("the container's socket is where its session host (with REMOTE_HOME inside) listens", () => {
    expect(containerSocketFor("ab12cd34")).toBe(socketPathFor(pathsFor(CONTAINER_REMOTE_HOME, []), "ab12cd34"));
  });

  test("labels find our containers again; the environment sent in is never the person's whole one", () => {
    expect(containerLabels("id1", "shell", "shell-id1")).toEqual({ "app.kubernetes.io/managed-by": "remote", "app.kubernetes.io/component": "session", "remote.dev/session-id": "id1", "remote.dev/profile": "shell", "remote.dev/session-name": "shell-id1" });
    const env = containerEnv({ TERM: "screen", LANG: "C.UTF-8", ANTHROPIC_API_KEY: "secret", PATH: "/x" });
    expect(env).toEqual({ TERM: "screen", HOME: "/home/remote", SHELL: "/bin/bash", REMOTE_HOME: CONTAINER_REMOTE_HOME, LANG: "C.UTF-8" });
    // A workspace's session (path parity): the person's HOME path, our state below it.
    expect(containerEnv({}, "/home/ada/")).toMatchObject({ HOME: "/home/ada/", REMOTE_HOME: "/home/ada/.remote" });
  });

  test("a workspace inside HOME shares HOME's volume; one beside it does not", () => {
    expect(isInside("/home/ada/project", "/home/ada")).toBe(true);
    expect(isInside("/home/ada", "/home/ada/")).toBe(true);
    expect(isInside("/home/adam/project", "/home/ada")).toBe(false);
    expect(isInside("/srv/project", "/home/ada")).toBe(false);
  });

  test("a container's status ends a session record: exit code, OOMKilled, gone; running changes nothing", () => {
    const now = "2026-01-01T00:00:00.000Z";
    expect(sessionPatchForContainer({ state: "exited", exitCode: 137, oomKilled: false }, now)).toEqual({ state: "exited", exitCode: 137, endedAt: now, clients: 0 });
    expect(sessionPatchForContainer({ state: "exited", exitCode: 137, oomKilled: true }, now)).toMatchObject({ state: "failed", reason: "container OOMKilled (exit code 137)" });
    expect(sessionPatchForContainer({ state: "missing" }, now)).toMatchObject({ state: "failed", reason: "its container is gone (removed outside remote)" });
    expect(sessionPatchForContainer({ state: "running" }, now)).toBeUndefined();
  });

  test("the pod spec is checked, and a session's end becomes the container's exit code", () => {
    const spec = { sessionId: "s1", name: "n", profile: "shell", command: "bash", args: ["-i"], cwd: "/w", cols: 80, rows: 24 };
    expect(parsePodSpec(JSON.stringify(spec))).toEqual(spec);
    expect(usageError(() => parsePodSpec(undefined))?.message).toContain("REMOTE_POD_SESSION is not set");
    expect(usageError(() => parsePodSpec(JSON.stringify({ ...spec, cols: 0 })))?.message).toContain("has no cols");
    expect(parsePodSpec(JSON.stringify({ ...spec, prepared: "exec" })).prepared).toBe("exec");
    expect(usageError(() => parsePodSpec(JSON.stringify({ ...spec, prepared: "mount" })))?.message).toContain("names no known preparation");
    const signals = (name: string) => ({ SIGHUP: 1, SIGKILL: 9 })[name];
    expect(podExitCode({ exitCode: 3, signal: null }, signals)).toBe(3);
    expect(podExitCode({ exitCode: null, signal: "SIGHUP" }, signals)).toBe(129);
  });
});

describe("a session found again by its labels", () => {
  const spec = { sessionId: "abcd1234", name: "n", profile: "shell", command: "bash", args: [], cwd: "/w", cols: 80, rows: 24 };
  test("keeps its bundle's tools and an unknown hash, so the next refresh pushes the same bundle", () => {
    const withGh = parsePodSpec(JSON.stringify({ ...spec, credentials: "mount", credentialTools: ["gh"] }));
    expect(rediscoveredCredentialMeta(withGh)).toEqual({ credentialsHash: "unknown", credentialTools: ["gh"] });
  });
  test("started without credentials (or unreadable): nothing to refresh", () => {
    expect(rediscoveredCredentialMeta(parsePodSpec(JSON.stringify(spec)))).toEqual({});
    expect(rediscoveredCredentialMeta(undefined)).toEqual({});
  });
  test("credentialTools must be a list of names", () => {
    expect(() => parsePodSpec(JSON.stringify({ ...spec, credentials: "exec", credentialTools: "gh" }))).toThrow("credentialTools");
  });
});

test("kubernetesPlacement: the namespace asked for, else the configured one; none for another target", () => {
  expect(kubernetesPlacement({ target: "kubernetes", context: "k3s", namespace: "team" }, "remote")).toEqual({ kind: "kubernetes", context: "k3s", namespace: "team" });
  expect(kubernetesPlacement({ target: "kubernetes" }, "remote")).toEqual({ kind: "kubernetes", context: undefined, namespace: "remote" });
  expect(kubernetesPlacement({ target: "docker", namespace: "team" }, "remote")).toBeUndefined();
});

describe("containerHomeOf", () => {
  test("the HOME a session recorded at its start wins (a workspace's session has the workspace's own HOME path)", () => {
    expect(containerHomeOf({ target: { kind: "docker" }, meta: { [CONTAINER_HOME_META]: "/home/ann" } }, "/root")).toBe("/home/ann");
    expect(containerHomeOf({ target: { kind: "kubernetes" }, meta: { [CONTAINER_HOME_META]: "/home/ann" } }, "/root")).toBe("/home/ann");
  });
  test("a record without it: a Pod has the person's HOME at its own path, a docker container the image's", () => {
    expect(containerHomeOf({ target: { kind: "kubernetes" }, meta: {} }, "/home/bob")).toBe("/home/bob");
    expect(containerHomeOf({ target: { kind: "docker" }, meta: {} }, "/home/bob")).toBe(CONTAINER_HOME);
    expect(containerHomeOf({ target: { kind: "docker" }, meta: { [CONTAINER_HOME_META]: 7 } }, "/home/bob")).toBe(CONTAINER_HOME);
  });
});
