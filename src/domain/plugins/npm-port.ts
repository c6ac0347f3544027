/** npm, as plugin add uses it (the real client, argv arrays). Adapter: src/adapters/npm. */
export type NpmPort = {
  /** `npm pack <spec>` into `destDir`: a registry spec, a directory or a tarball; resolves with the tarball and the package's identity. */
  readonly pack: (spec: string, destDir: string) => Promise<{ readonly file: string; readonly name: string; readonly version: string }>;
  /** `npm install --global --prefix <prefix> <tarball>` (its dependencies come from npm's cache or registry; scripts are not run). */
  readonly install: (tarball: string, prefix: string) => Promise<void>;
};
