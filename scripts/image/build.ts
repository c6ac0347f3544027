/**
 * `npm run image`: builds images/session/Containerfile (pulls its node base) as
 * localhost/remote-session:latest with podman or docker (REMOTE_IMAGE_ENGINE to pick).
 * Where nothing can be pulled, use `npm run image:local`.
 */
const engine = process.env.REMOTE_IMAGE_ENGINE ?? (Bun.which("podman") ? "podman" : "docker");
const tag = process.env.REMOTE_IMAGE_TAG ?? "localhost/remote-session:latest";
const build = Bun.spawn([engine, "build", "--file", "images/session/Containerfile", "--tag", tag, "."], { stdout: "inherit", stderr: "inherit" });
const code = await build.exited;
if (code === 0) console.log(tag);
process.exit(code);
export {};
