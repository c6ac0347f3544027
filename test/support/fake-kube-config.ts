/**
 * What a kubectl needs to reach the fake API server: a certificate for 127.0.0.1 and a
 * kubeconfig naming it as the CA, with a token user (over plain http, client-go sends no
 * credentials at all, so the fake serves HTTPS to see the token arrive).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** A throwaway EC certificate for 127.0.0.1 (openssl, ~40 ms). */
export function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const [key, cert] = [join(dir, "tls.key"), join(dir, "tls.crt")];
  const made = Bun.spawnSync(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=fake-kube-api", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2", "-keyout", key, "-out", cert], { stderr: "pipe" });
  if (made.exitCode !== 0) throw new Error(`openssl could not make the fake API server's certificate: ${made.stderr.toString()}`);
  return { cert: readFileSync(cert, "utf8"), key: readFileSync(key, "utf8") };
}

/** A kubeconfig (0600) with one cluster, one token user and one context, current. */
export function writeKubeconfig(dir: string, o: { readonly url: string; readonly caCert: string; readonly token: string; readonly context: string }): string {
  const path = join(dir, "kubeconfig");
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "fake", cluster: { server: o.url, "certificate-authority-data": Buffer.from(o.caCert).toString("base64") } }],
    users: [{ name: "remote-test", user: { token: o.token } }],
    contexts: [{ name: o.context, context: { cluster: "fake", user: "remote-test", namespace: "default" } }],
    "current-context": o.context,
  };
  writeFileSync(path, JSON.stringify(config), { mode: 0o600 });
  return path;
}
