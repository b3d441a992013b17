import { errorText } from '../http-writes/error-text.js';
import type { HttpAnswer } from '../http-writes/keep-alive-client.js';
import { parseRetryAfter } from '../http-writes/retry-after.js';

/** What a write answer means for the messages in it. */
export type WriteVerdict =
  /** Every point was stored. */
  | { readonly kind: 'written' }
  /**
   * The server refused the request (400/422: parse error, type conflict, partial write,
   * or anything a proxy or a wrong scheme answers). By itself this says nothing about
   * which message is at fault: the publisher looks for evidence (see `RefusalEvidence`).
   */
  | { readonly kind: 'refused'; readonly reason: string }
  /** The body was too large (413): send less at once. */
  | { readonly kind: 'too-large'; readonly reason: string }
  /** Nothing can be written until someone fixes the setup (credentials, database). */
  | { readonly kind: 'misconfigured'; readonly reason: string; readonly fix: string }
  /** The server is unavailable or overloaded; retry later. */
  | { readonly kind: 'unavailable'; readonly reason: string; readonly retryAfterMs: number | undefined };

/** Facts about the target the fixes name. */
export interface WriteTarget {
  readonly database: string;
  readonly api: 'v1' | 'v2';
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/[\\"]/g, '\\$&')}"`;
}

// 400s known to be about the request's target, not its data. Unknown texts are safe too:
// a refusal dead-letters a message only with evidence about that message.
const SETUP_ERRORS = /database is required|database not found|bucket .*not found|organization .*not found|invalid precision|retention policy not found|HTTP request to an HTTPS server/i;

/** What to change when every write is refused, whatever the server's text. */
export function fixForRefusal(reason: string): string {
  if (/HTTP request to an HTTPS server/i.test(reason)) {
    return 'the server speaks https: use an https:// url (or ssl: true) in AGENT_PUBLISHER_ARGS';
  }
  return 'InfluxDB (or a proxy in front of it) refuses even a write without data: check url (http or https), credentials, any proxy, database and retention_policy in AGENT_PUBLISHER_ARGS';
}

function fixFor(status: number, reason: string, target: WriteTarget): string {
  if (/database not found/i.test(reason)) {
    return `create the database: CREATE DATABASE ${quoteIdentifier(target.database)} (or set create_database: true in AGENT_PUBLISHER_ARGS)`;
  }
  if (/retention policy not found/i.test(reason)) {
    return 'create the retention policy, or set retention_policy in AGENT_PUBLISHER_ARGS to an existing one (or unset it)';
  }
  if (/bucket|organization/i.test(reason)) {
    return 'create the bucket, or set org and bucket in AGENT_PUBLISHER_ARGS to existing ones';
  }
  if (/HTTP request to an HTTPS server/i.test(reason)) return fixForRefusal(reason);
  if (status === 401) return 'check username/password or token in AGENT_PUBLISHER_ARGS';
  if (status === 403) {
    return `give the user write access: GRANT WRITE ON ${quoteIdentifier(target.database)} TO <user> (or use a token allowed to write)`;
  }
  if (status === 404) {
    return target.api === 'v2'
      ? 'check url and api in AGENT_PUBLISHER_ARGS: api "v2" needs a server with /api/v2/write (InfluxDB 2.x/3.x)'
      : 'check url and database in AGENT_PUBLISHER_ARGS';
  }
  return 'check the InfluxDB settings in AGENT_PUBLISHER_ARGS';
}

/**
 * Classifies a write answer: 2xx written; 400/422 refused (unless the text says the
 * target is missing or the scheme is wrong); 413 too large; 401/403/404 and a missing retention policy
 * misconfigured, with the fix to name; anything else (429, 5xx) unavailable, with the
 * server's `Retry-After`.
 */
export function classifyWriteAnswer(answer: HttpAnswer, target: WriteTarget): WriteVerdict {
  const { status } = answer;
  if (status >= 200 && status < 300) return { kind: 'written' };
  const reason = errorText(answer);
  if (status === 401 || status === 403 || status === 404 || SETUP_ERRORS.test(reason)) {
    return { kind: 'misconfigured', reason, fix: fixFor(status, reason, target) };
  }
  if (status === 400 || status === 422) return { kind: 'refused', reason };
  if (status === 413) return { kind: 'too-large', reason };
  return { kind: 'unavailable', reason: `HTTP ${status}: ${reason}`, retryAfterMs: parseRetryAfter(answer.headers['retry-after']) };
}
