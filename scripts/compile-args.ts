/**
 * How dist/remote is compiled, for scripts/build.ts and for the e2e tests that build the binary
 * the same way. Start-up is what every attach, `ls` and Claude hook pays, so: bytecode (no parsing
 * at start), and --splitting, so the binary holds one chunk per lazily imported part and a command
 * loads only those it uses (one bundle made every command load all of it: ~10 ms and ~12 MiB).
 */
export const compileArgs = (entry: string, outfile: string): string[] => ["build", "--compile", "--splitting", "--bytecode", "--format=esm", "--minify-syntax", "--sourcemap=none", entry, "--outfile", outfile];
