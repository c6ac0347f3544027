/**
 * What a session container starts: our compiled binary in session-host mode (`remote __pod`,
 * src/app/targets/pod.ts), the same contract as the docker target's: the session it hosts
 * arrives as JSON in REMOTE_POD_SESSION, its state lives under REMOTE_HOME.
 */
import { CONTAINER_BINARY } from "../target.ts";

export const SESSION_ENTRYPOINT: readonly string[] = [CONTAINER_BINARY, "__pod"];

/** Where the credential Secret is mounted read-only. */
export const CREDENTIALS_MOUNT = "/var/run/remote/credentials";

/** The environment `remote __pod` reads (never a credential: those travel only in the Secret). */
export const SESSION_ENV = {
  /** The PodSpec (src/domain/target.ts) as JSON. */
  podSession: "REMOTE_POD_SESSION",
  remoteHome: "REMOTE_HOME",
} as const;

/** The Pod's REMOTE_HOME: on the session volume, below the (path-parity) HOME. */
export const podRemoteHome = (home: string) => `${home.replace(/\/$/, "")}/.remote`;
/** Where the Pod's session host listens (config.ts's socketPathFor for that REMOTE_HOME). */
export const podSocketFor = (home: string, sessionId: string) => `${podRemoteHome(home)}/sock/${sessionId}.sock`;
