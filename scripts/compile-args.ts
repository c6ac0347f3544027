/**
 * How dist/remote is compiled, for scripts/build.ts and for the e2e tests that build the binary
 * the same way. Start-up is what every attach, `ls` and Claude hook pays, so: bytecode (no parsing
 * at start), and --splitting, so the binary holds one chunk per lazily imported part and a command
 * loads only those it uses (one bundle made every command load all of it: ~10 ms and ~12 MiB).
 * No .env or bunfig.toml from the working directory: a compiled Bun binary loads both by default,
 * so a cloned repo's `.env` could set REMOTE_URL (and our token would go there) and its bunfig's
 * `preload` ran its code in every `remote` started in that folder; reading them also cost ~0.5 ms.
 */
export const compileArgs = (entry: string, outfile: string): string[] => ["build", "--compile", "--splitting", "--bytecode", "--format=esm", "--minify-syntax", "--sourcemap=none", "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", entry, "--outfile", outfile];
