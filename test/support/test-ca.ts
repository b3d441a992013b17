// A private certificate authority made with `openssl` for the TLS tests: a CA, a server
// certificate for 127.0.0.1 and localhost, and a client certificate, all in a temporary
// folder. Real servers (redis-server --tls-port, influxd https-enabled) use these files.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Paths of the PEM files of a test CA; `dispose()` removes them. */
export interface TestCertificates {
  readonly dir: string;
  /** The CA certificate that signed the server and client certificates. */
  readonly caFile: string;
  /** Server certificate, valid for `localhost` and `127.0.0.1`. */
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** A second name in the server certificate, for `servername` tests. */
  readonly serverAltName: string;
  /** Client certificate (for servers that require one). */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  /** A CA unrelated to the certificates above (for "unknown CA" tests). */
  readonly otherCaFile: string;
  dispose(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name}`,
    '-keyout', `${name}.key`, '-out', `${name}.crt`], dir);
}

function signed(dir: string, name: string, subject: string, extensions: string): void {
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject, '-keyout', `${name}.key`, '-out', `${name}.csr`], dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-days', '2', '-out', `${name}.crt`, '-extfile', `${name}.ext`], dir);
}

/** Makes a CA and the certificates it signs, with `openssl`, in a new temporary folder. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'kadabra-ca-'));
  const serverAltName = 'kadabra-test.internal';
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  signed(dir, 'server', '/CN=localhost',
    `subjectAltName=DNS:localhost,DNS:${serverAltName},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n`);
  signed(dir, 'client', '/CN=kadabra-test-client', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    serverAltName,
    clientCertFile: join(dir, 'client.crt'),
    clientKeyFile: join(dir, 'client.key'),
    otherCaFile: join(dir, 'other-ca.crt'),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
