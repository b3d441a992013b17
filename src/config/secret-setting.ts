import type { z } from 'zod';
import { REDACTED } from '../logging/redact-secrets.js';
import type { JsonSchema } from './describe-schema.js';

/**
 * How a setting holds a credential, as its schema says: `value` (the whole value is one:
 * a password, a token) or `url-credentials` (a URL whose user information may be one).
 */
export type SecretKind = 'value' | 'url-credentials';

/** Marks a setting's schema as a credential: shown as `[redacted]` wherever configuration is shown. */
export function secretValue<S extends z.ZodType>(schema: S): S {
  return schema.meta({ secret: 'value' satisfies SecretKind });
}

/** Marks a URL setting whose user information may hold a credential: shown with it masked. */
export function urlWithCredentials<S extends z.ZodType>(schema: S): S {
  return schema.meta({ secret: 'url-credentials' satisfies SecretKind });
}

/** The secret marking of a schema node (`jsonSchemaOf`), undefined for an ordinary setting. */
export function secretKindOf(node: JsonSchema | undefined): SecretKind | undefined {
  const kind = node?.['secret'];
  return kind === 'value' || kind === 'url-credentials' ? kind : undefined;
}

/** A URL's user information at its start (`scheme://userinfo@`); `[^/?#@]*` cannot backtrack. */
const USER_INFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;

/**
 * `url` with its credential masked: the password of `user:password@`, or the whole user
 * information when it has no password (a token given as the user name).
 */
export function maskUrlCredentials(url: string): string {
  return url.replace(USER_INFO, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon === -1 ? `${scheme}${REDACTED}@` : `${scheme}${userInfo.slice(0, colon)}:${REDACTED}@`;
  });
}

/** A setting's value as it may be shown, by its schema's marking (`null` and unset values as they are). */
export function maskSetting(value: unknown, kind: SecretKind | undefined): unknown {
  if (value === null || value === undefined || kind === undefined) return value;
  if (kind === 'url-credentials' && typeof value === 'string') return maskUrlCredentials(value);
  return REDACTED;
}
