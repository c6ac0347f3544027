import { describe, expect, test } from "bun:test";
import { kubectlComplaint, kubectlError } from "./kubectl-errors.ts";

// kubectl 1.32's own words, copied from runs against the fake API server.
describe("kubectl's stderr read into our errors", () => {
  const scope = { context: "gke", namespace: "team" };
  test.each([
    ["Error in configuration: context was not found for specified context: nope\n", "KUBE_CONTEXT_UNKNOWN", "'nope'"],
    ['Error from server (Forbidden): pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "locked"\n', "KUBE_FORBIDDEN", "'locked'"],
    ['Error from server (NotFound): pods "x" not found\n', "KUBE_NOT_FOUND", 'pods "x" not found'],
    ['error: error from server (NotFound): pods "x" not found in namespace "team"\n', "KUBE_NOT_FOUND", 'pods "x" not found'],
    ['Error from server (AlreadyExists): error when creating "STDIN": secrets "s" already exists\n', "KUBE_ALREADY_EXISTS", "already exists"],
    ["error: You must be logged in to the server (the server has asked for the client to provide credentials)\n", "KUBE_UNAUTHORIZED", "credentials"],
    ['Unable to connect to the server: dial tcp 127.0.0.1:1: connect: connection refused\n', "KUBE_UNREACHABLE", "does not answer"],
    ["error: something new\n", "KUBECTL_FAILED", "error: something new"],
  ])("%s", (stderr, code, words) => {
    const error = kubectlError("list pods", stderr, scope);
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
    expect(error.hint).toBeTruthy();
  });

  test("a remote command's stderr is not kubectl's complaint; kubectl's last line is", () => {
    expect(kubectlComplaint("oops from the command\ncommand terminated with exit code 7\n")).toBeUndefined();
    expect(kubectlComplaint('E1201 05:20:58 memcache.go:265] "Unhandled Error"\nerror: You must be logged in\n')).toBe("error: You must be logged in");
  });
});
