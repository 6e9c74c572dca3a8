/**
 * Throw-away PKI for the local stack: a CA and one leaf certificate, generated at every start
 * (selfsigned v5, EC P-256) and written to the state directory (`.local/` by default, ignored by git).
 *
 * The leaf stands in for the ACM certificate on the NLB's TLS listener; the resolver trusts the CA
 * through API_CA_FILE and verifies the leaf against the API name, exactly as in AWS.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'selfsigned';

type Pem = { key: string; cert: string };
type Options = NonNullable<Parameters<typeof generate>[1]>;

const DAY_MS = 24 * 3600 * 1000;

/** An EC P-256 certificate for `commonName`, valid for 30 days (from a minute ago, to tolerate small clock differences). */
async function certificate(commonName: string, options: Pick<Options, 'ca' | 'extensions'>): Promise<Pem> {
  const { private: key, cert } = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 30 * DAY_MS),
    ...options,
  });
  return { key, cert };
}

/**
 * Generates a fresh CA and a leaf for `leafName`, and writes them to `dir` (created if needed):
 * `ca.pem` (trust this), `tls-front.pem` and `tls-front-key.pem` (served by the TLS front).
 */
export async function createLocalPki(dir: string, leafName: string): Promise<{ leaf: Pem; caFile: string }> {
  const ca = await certificate('Local dev CA (npm start, throw-away)', {
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await certificate(leafName, {
    ca,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: leafName }] },
    ],
  });
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  const keyFile = join(dir, 'tls-front-key.pem');
  writeFileSync(caFile, ca.cert);
  writeFileSync(join(dir, 'tls-front.pem'), leaf.cert);
  writeFileSync(keyFile, leaf.key, { mode: 0o600 });
  chmodSync(keyFile, 0o600); // in case the file already existed with other permissions
  // The CA's private key is never written: nothing needs to sign anything after start.
  return { leaf, caFile };
}
