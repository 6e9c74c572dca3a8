/**
 * Throw-away PKI for the local stack: a CA and one leaf certificate per API, generated at every start
 * (selfsigned v5, EC P-256) and written to the state directory (`.local/` by default, ignored by git).
 *
 * Each leaf stands in for its API's ACM certificate on its NLB's TLS listener (or Lattice service);
 * the resolvers trust the one CA through API_CA_FILE and verify each leaf against their API's name,
 * exactly as in AWS.
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
 * Generates a fresh CA and one leaf per entry of `leaves` (file stem -> the name the certificate is
 * for), and writes them to `dir` (created if needed): `ca.pem` (trust this), and per leaf
 * `tls-front-<stem>.pem` and `tls-front-<stem>-key.pem` (served by that API's front).
 */
export async function createLocalPki(dir: string, leaves: Readonly<Record<string, string>>): Promise<{ leaves: Record<string, Pem>; caFile: string }> {
  const ca = await certificate('Local dev CA (npm start, throw-away)', {
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, ca.cert);
  const issued: Record<string, Pem> = {};
  for (const [stem, leafName] of Object.entries(leaves)) {
    const leaf = await certificate(leafName, {
      ca,
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: leafName }] },
      ],
    });
    const keyFile = join(dir, `tls-front-${stem}-key.pem`);
    writeFileSync(join(dir, `tls-front-${stem}.pem`), leaf.cert);
    writeFileSync(keyFile, leaf.key, { mode: 0o600 });
    chmodSync(keyFile, 0o600); // in case the file already existed with other permissions
    issued[stem] = leaf;
  }
  // The CA's private key is never written: nothing needs to sign anything after start.
  return { leaves: issued, caFile };
}
