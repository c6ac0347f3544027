import type { ProcessPort } from "../../domain/ports.ts";
import { chooseEngine, engineMissing, type ContainerEngine, type EngineChoice } from "../../domain/target.ts";

/** How long `docker version` may take to say a daemon answers (no daemon fails at once; a hung socket must not hang us). */
const DOCKER_PROBE_MS = 2000;

/**
 * Which container CLI to drive (config `container_engine`): with "auto", docker when a
 * daemon answers `docker version`, else podman when it is on PATH. Throws ENGINE_MISSING.
 */
export function detectEngine(choice: EngineChoice, env: Readonly<Record<string, string>>, which: ProcessPort["which"]): { engine: ContainerEngine; binary: string } {
  const docker = which("docker", env.PATH);
  const podman = which("podman", env.PATH);
  const dockerAnswers = choice === "auto" && docker !== undefined && answers(docker, env);
  const engine = chooseEngine(choice, { dockerAnswers, dockerPresent: docker !== undefined, podmanPresent: podman !== undefined });
  if (engine === undefined) throw engineMissing(choice);
  return { engine, binary: (engine === "docker" ? docker : podman) as string };
}

function answers(binary: string, env: Readonly<Record<string, string>>): boolean {
  const probe = Bun.spawnSync([binary, "version", "--format", "{{.Server.Version}}"], { env: { ...env }, stdout: "pipe", stderr: "pipe", timeout: DOCKER_PROBE_MS });
  return probe.exitCode === 0 && probe.stdout.toString().trim() !== "";
}
