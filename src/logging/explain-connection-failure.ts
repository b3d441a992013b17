import { redactSecrets } from './redact-secrets.js';

/** The server a connection failed to and the arguments a person would change. */
export interface ConnectionTarget {
  /** E.g. `Redis`, `InfluxDB`. */
  readonly server: string;
  /** Where its arguments are set, e.g. `AGENT_CHANNEL_ARGS`. */
  readonly argsKey: string;
  /** How to turn TLS on and off for it, e.g. `a rediss:// url or tls: true`. */
  readonly tlsSwitch: string;
  /** Whether the connection uses TLS (a reset then often means a missing client certificate). */
  readonly tls?: boolean;
  /** The arguments that say where the server is; default `host and port (or url)`. */
  readonly addressArgs?: string;
}

/** Certificate verification failures: the server's chain does not lead to a trusted CA. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // OpenSSL's text is `<hex>:error:<id>:SSL routines:<function>:<reason>:<file>:<line>:...`.
  const openssl = /:SSL routines:[^:]*:([^:]+)/.exec(message);
  return openssl?.[1] ?? message;
}

/** What to change, for a failure the server or the TLS layer described; undefined when unknown. */
function fixFor(code: string | undefined, message: string, target: ConnectionTarget): string | undefined {
  const { server, argsKey, tlsSwitch } = target;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) {
    return `check password and username in ${argsKey} (or the user:password in its url)`;
  }
  if (/NOAUTH|Authentication required/i.test(message)) {
    return `${server} requires a password: set password (and username for an ACL user) in ${argsKey}`;
  }
  if (code !== undefined && UNTRUSTED.has(code)) {
    return `set ca in ${argsKey} to the PEM file of the CA that signed ${server}'s certificate`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `connect by a name the certificate holds, or set servername in ${argsKey} to one of them`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `renew ${server}'s certificate (or fix this machine's clock)`;
  }
  if (/certificate required|CERTIFICATE_REQUIRED|alert bad certificate|unknown ca|ALERT_UNKNOWN_CA|BAD_CERTIFICATE/i.test(`${code ?? ''} ${message}`)) {
    return `${server} wants a client certificate it trusts: set cert and key in ${argsKey}`;
  }
  if (/wrong version number|packet length too long|EPROTO/i.test(`${code ?? ''} ${message}`)) {
    return `${server} and this client disagree about TLS: turn TLS on or off to match the server (${tlsSwitch})`;
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return target.tls === true
      ? `${server} closed the TLS connection: if it requires client certificates (Redis' default tls-auth-clients yes), ` +
          `set cert and key in ${argsKey}; otherwise check that it serves TLS on this port`
      : `${server} closed the connection: if it serves TLS on this port, turn TLS on (${tlsSwitch})`;
  }
  const address = target.addressArgs ?? 'host and port (or url)';
  if (code === 'ECONNREFUSED') return `start ${server}, or fix ${address} in ${argsKey}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `fix the host name (${target.addressArgs ?? 'host or url'}) in ${argsKey}`;
  if (code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return `check that ${server} is reachable from here (host, port, firewall)`;
  }
  return undefined;
}

/**
 * One line a person can act on for a failed connection: the server's or the TLS layer's
 * own words (`WRONGPASS ...`, `SELF_SIGNED_CERT_IN_CHAIN self-signed certificate in
 * certificate chain`), then the argument to change, with any credential masked.
 * E.g. `WRONGPASS invalid username-password pair; fix: check password and username in AGENT_CHANNEL_ARGS`.
 */
export function explainConnectionFailure(error: unknown, target: ConnectionTarget): string {
  const code = codeOf(error);
  const message = messageOf(error);
  const reason = code !== undefined && !message.includes(code) ? `${code} ${message}` : message;
  const fix = fixFor(code, message, target);
  return redactSecrets(fix === undefined ? reason : `${reason}; fix: ${fix}`);
}
