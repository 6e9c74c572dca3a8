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

export interface Pem {
  readonly key: string;
  readonly cert: string;
}

export interface LocalPki {
  readonly ca: Pem;
  readonly leaf: Pem;
  /** The DNS name in the leaf's subjectAltName (and commonName). */
  readonly leafName: string;
  /** Files written: CA certificate (trust this), leaf certificate and key (served by the TLS front). */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

const DAY_MS = 24 * 3600 * 1000;

async function makeCa(): Promise<Pem> {
  const ca = await generate([{ name: 'commonName', value: 'Local dev CA (npm start, throw-away)' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000), // tolerate small clock differences
    notAfterDate: new Date(Date.now() + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { key: ca.private, cert: ca.cert };
}

async function makeLeaf(name: string, ca: Pem): Promise<Pem> {
  const leaf = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.key, cert: ca.cert },
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 30 * DAY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: name }] },
    ],
  });
  return { key: leaf.private, cert: leaf.cert };
}

/** Generates a fresh CA and a leaf for `leafName`, and writes them to `dir` (created if needed). */
export async function createLocalPki(dir: string, leafName: string): Promise<LocalPki> {
  const ca = await makeCa();
  const leaf = await makeLeaf(leafName, ca);
  mkdirSync(dir, { recursive: true });
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'tls-front.pem');
  const keyFile = join(dir, 'tls-front-key.pem');
  writeFileSync(caFile, ca.cert);
  writeFileSync(certFile, leaf.cert);
  writeFileSync(keyFile, leaf.key, { mode: 0o600 });
  chmodSync(keyFile, 0o600); // in case the file already existed with other permissions
  // The CA's private key is never written: nothing needs to sign anything after start.
  return { ca, leaf, leafName, caFile, certFile, keyFile };
}
