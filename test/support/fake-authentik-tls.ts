/**
 * A certificate authority and a server certificate for 127.0.0.1, made with the `openssl`
 * command in a temporary folder, for the fake authentik server's HTTPS mode.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of one test certificate authority and the server certificate it signed. */
export interface TestCertificates {
  folder: string;
  /** Path of the CA certificate, for a profile's CA file. */
  caFile: string;
  key: string;
  cert: string;
  remove(): void;
}

function openssl(args: string[], folder: string): void {
  try {
    execFileSync('openssl', args, { cwd: folder, stdio: 'pipe' });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `The HTTPS tests need the openssl command to make a test certificate, and it failed: ${reason}`,
    );
  }
}

/** Creates a CA and a certificate for 127.0.0.1 signed by it, valid for two days. */
export function createTestCertificates(): TestCertificates {
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-tls-'));
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

  openssl(
    [
      'req',
      '-x509',
      ...curve,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Stagecraft test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    folder,
  );
  openssl(
    ['req', ...curve, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    folder,
  );
  writeFileSync(join(folder, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    ],
    folder,
  );

  return {
    folder,
    caFile: join(folder, 'ca.pem'),
    key: readFileSync(join(folder, 'server.key'), 'utf8'),
    cert: readFileSync(join(folder, 'server.pem'), 'utf8'),
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
