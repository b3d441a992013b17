/** What a failed statement or connection means for the messages it carried. */
export type PostgresVerdict =
  /** The data was refused (a data exception, a program limit): some message of the batch is at fault. */
  | { readonly kind: 'refused'; readonly reason: string }
  /** Nothing can be written until someone fixes the setup (credentials, TLS, database, table, privileges). */
  | { readonly kind: 'misconfigured'; readonly reason: string; readonly fix: string }
  /** The server is down, starting, in recovery, read-only, out of disk or overloaded; retry later. */
  | { readonly kind: 'unavailable'; readonly reason: string };

interface ErrorFacts {
  readonly code?: unknown;
  readonly severity?: unknown;
}

/** The SQLSTATE of an error the server sent (node-postgres' `DatabaseError` has a severity), else undefined. */
function sqlState(error: unknown): string | undefined {
  const { code, severity } = (error ?? {}) as ErrorFacts;
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** SQLSTATE classes of refused data: data exception, integrity violation, program limit exceeded. */
const DATA_CLASSES = new Set(['22', '23', '54']);

/** SQLSTATE classes of a setup problem: authorization, invalid catalog (database), syntax or access (table, privileges), feature not supported. */
const SETUP_CLASSES = new Set(['28', '3D', '3F', '42', '0A']);

const TLS_ERROR = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(?:GET|VERIFY)|HOSTNAME|ALTNAME/i;

function fixFor(code: string, reason: string): string {
  if (code.startsWith('28')) return 'check username and password (or url) in AGENT_PUBLISHER_ARGS, and pg_hba.conf on the server';
  if (code === '3D000') return 'create the database (CREATE DATABASE), or set database (or url) in AGENT_PUBLISHER_ARGS to an existing one';
  if (code === '42501') return 'grant the user INSERT on the table and USAGE on its schema (run `kadabra setup postgres` as the owner)';
  if (code === '42P01' || code === '3F000') return 'create the table: run `kadabra setup postgres`, or set create_schema: true in AGENT_PUBLISHER_ARGS';
  if (/SSL|TLS/i.test(reason)) return 'check sslmode in AGENT_PUBLISHER_ARGS against the server (ssl = on in postgresql.conf)';
  return 'check the PostgreSQL settings in AGENT_PUBLISHER_ARGS and the table (`kadabra setup postgres`)';
}

/**
 * Classifies an error of node-postgres: by SQLSTATE when the server answered (data
 * exceptions, integrity and program limits refused; authorization, missing database,
 * table or privilege misconfigured; everything else, among it `57P03` starting up or in
 * recovery, `25006` read-only standby, `53100` disk full, `08*` connection failures,
 * unavailable), by the TLS error code of Node when the handshake failed (misconfigured),
 * and as unavailable otherwise (refused or reset connections, timeouts). Unknown answers
 * are unavailable: a message is never dead-lettered without evidence against it.
 *
 * @param reason the error's text, secrets already removed.
 */
export function classifyPostgresError(error: unknown, reason: string): PostgresVerdict {
  const code = sqlState(error);
  const nodeCode = (error as ErrorFacts | undefined)?.code;
  if (code !== undefined) {
    const kind = code.slice(0, 2);
    if (DATA_CLASSES.has(kind)) return { kind: 'refused', reason: `${reason} (SQLSTATE ${code})` };
    if (SETUP_CLASSES.has(kind)) return { kind: 'misconfigured', reason: `${reason} (SQLSTATE ${code})`, fix: fixFor(code, reason) };
    return { kind: 'unavailable', reason: `${reason} (SQLSTATE ${code})` };
  }
  if ((typeof nodeCode === 'string' && TLS_ERROR.test(nodeCode)) || /does not support SSL|SSL connection|self.signed|certificate/i.test(reason)) {
    return {
      kind: 'misconfigured',
      reason,
      fix: 'check sslmode, ca, cert and key in AGENT_PUBLISHER_ARGS against the server\'s certificate and its ssl setting',
    };
  }
  return { kind: 'unavailable', reason };
}

/** The text of an error, with its Node code (`ECONNREFUSED`) when the message does not hold it. */
export function errorReason(error: unknown): string {
  // Connecting to a name with several addresses (localhost: ::1 and 127.0.0.1) fails with
  // an AggregateError whose own message is empty.
  if (error instanceof AggregateError && error.message === '' && error.errors.length > 0) {
    return error.errors.map((inner) => errorReason(inner)).join('; ');
  }
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as ErrorFacts | undefined)?.code;
  return typeof code === 'string' && sqlState(error) === undefined && !message.includes(code) ? `${code} ${message}` : message;
}
