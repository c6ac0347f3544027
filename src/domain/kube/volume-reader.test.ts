import { describe, expect, test } from "bun:test";
import { validateKube } from "../../../test/support/kube-schemas.ts";
import { isVolumeReader, sessionSelector } from "../session-labels.ts";
import { renderSessionManifests } from "./session-manifests.ts";
import { renderVolumeReaderPod } from "./volume-reader.ts";

type Any = Record<string, any>;
const paths = { workspace: "/home/ada/src/app", home: "/home/ada" };
const reader = renderVolumeReaderPod({ sessionId: "k3x9a0qz", profile: "claude", image: "registry.example/remote-session:1.2", namespace: "agents", ...paths }) as unknown as Any;
const session = renderSessionManifests({ sessionId: "k3x9a0qz", profile: "claude", name: "n", image: "registry.example/remote-session:1.2", namespace: "agents", command: "claude", args: [], credentials: new Map(), ...paths }).pod as unknown as Any;

describe("the Pod that reads an ended session's claim", () => {
  test("validates against the official schemas; the session's claim at the session's own paths, its image and user; no credentials", () => {
    expect(() => validateKube(reader as never)).not.toThrow();
    const [mine, theirs] = [reader.spec.containers[0], session.spec.containers[0]];
    const data = (c: Any) => c.volumeMounts.filter((m: Any) => m.name === "data");
    expect(data(mine)).toEqual(data(theirs));
    expect(reader.spec.volumes.find((v: Any) => v.name === "data")).toEqual(session.spec.volumes.find((v: Any) => v.name === "data"));
    expect([mine.image, reader.spec.securityContext, mine.securityContext]).toEqual([theirs.image, session.spec.securityContext, theirs.securityContext]);
    expect(mine.env).toEqual([{ name: "HOME", value: "/home/ada" }, { name: "REMOTE_HOME", value: "/home/ada/.remote" }]);
    expect(JSON.stringify(reader)).not.toContain("credentials");
  });

  test("its own name, the session's labels (deleting the session's objects takes it) but not taken for a session", () => {
    expect(reader.metadata.name).toBe("remote-k3x9a0qz-reader");
    expect(reader.metadata.labels).toMatchObject(sessionSelector("k3x9a0qz"));
    expect([isVolumeReader(reader.metadata.labels), isVolumeReader(session.metadata.labels)]).toEqual([true, false]);
  });
});
