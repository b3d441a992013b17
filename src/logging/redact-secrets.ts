import { editDistance } from '../config/nearest-name.js';

/** What a hidden credential is replaced with. */
export const REDACTED = '[redacted]';

/** Words that name a credential; a name holding one of them, or a near miss of one, is secret-like. */
const SECRET_WORDS = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'pw',
  'pass',
  'secret',
  'token',
  'key',
  'apikey',
  'auth',
  'authorization',
  'credential',
  'credentials',
  'cookie',
  'bearer',
];

/** Stems that mark a secret-like name wherever they occur in it (`mypassword`, `authToken`). */
const SECRET_STEMS = /pass|pwd|secret|token|apikey|auth|credential|cookie|bearer|private/i;

/** Characters that end a URL's user information (`user:password@`). */
const ENDS_USER_INFO = /[\s/@"'<>]/;

/**
 * Masks the password of every `scheme://user:password@` in `text`, in time linear in its
 * length. Log lines carry producer-controlled text (the debug publisher logs whole
 * messages), so no backtracking regular expression may scan them: one that matched the
 * scheme with `[a-z]+` before `://` took quadratic time on a long run of letters (20 s
 * for 160,000 of them).
 * @param mask - what stands for the password.
 */
export function maskUrlPasswords(text: string, mask: string = REDACTED): string {
  let out = '';
  let copied = 0;
  for (let i = text.indexOf('://'); i !== -1; i = text.indexOf('://', i + 3)) {
    // The user part ends at the first ':' or a character that ends user information;
    // neither part can contain '/', so no stretch is scanned from two '://'s.
    let j = i + 3;
    while (j < text.length && text[j] !== ':' && !ENDS_USER_INFO.test(text[j] as string)) j += 1;
    if (text[j] !== ':') continue;
    const passwordAt = j + 1;
    j = passwordAt;
    while (j < text.length && !ENDS_USER_INFO.test(text[j] as string)) j += 1;
    if (text[j] !== '@') continue;
    out += `${text.slice(copied, passwordAt)}${mask}`;
    copied = j;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** `password=...`, `"token": "..."`, `api_key: ...` inside free text (JSON or not). */
const INLINE_SECRET =
  /((?:pass|pwd|secret|token|key|auth|credential|cookie|bearer)[\w-]*["']?\s*[:=]\s*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,;}&]+)/gi;

/** Values shorter than this are not searched for in text: they would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;

const knownSecrets = new Set<string>();

/** Kadabra's own arguments whose names look secret-like but hold no credential. */
const NOT_SECRET = new Set(['queue_key', 'inprogress_key', 'dead_key', 'stream_key', 'key', 'cert', 'ca', 'servername']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

function nearSecretWord(word: string): boolean {
  return SECRET_WORDS.some((secret) => {
    if (word === secret) return true;
    const allowed = secret.length <= 3 ? 0 : secret.length <= 6 ? 1 : 2;
    return allowed > 0 && Math.abs(word.length - secret.length) <= allowed && editDistance(word, secret) <= allowed;
  });
}

/**
 * Whether a key or argument called `name` may hold a credential: it contains one of
 * password, passwd, pwd, secret, token, key, auth, credential, cookie, bearer, private
 * (in any case, as a word or inside one: `api_key`, `authToken`, `mypassword`), or one of
 * its words is a near miss of those (`pasword`, `tokn`, `secert`: 1 edit for words up to
 * 6 letters, 2 for longer ones). Kadabra's own `queue_key`, `inprogress_key`, `dead_key`,
 * `stream_key` and the TLS file arguments `key`, `cert`, `ca` (paths, not key material) are not secret.
 */
export function isSecretName(name: string): boolean {
  if (NOT_SECRET.has(name)) return false;
  if (SECRET_STEMS.test(name)) return true;
  return words(name).some(nearSecretWord);
}

/**
 * Remembers a credential value so `redactSecrets` masks it wherever it appears (a library's
 * error message, a URL, an echo). Values under 4 characters are not searched for.
 */
export function registerSecret(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
  try {
    const decoded = decodeURIComponent(value);
    if (decoded.length >= MIN_SECRET_LENGTH) knownSecrets.add(decoded);
  } catch {
    // Not percent-encoded text: the value itself is registered.
  }
}

/** Registers the password of a URL, if it has one. */
export function registerUrlSecret(url: string): void {
  for (const match of url.matchAll(/:\/\/[^\s/@]*@/g)) {
    const userinfo = match[0].slice(3, -1);
    const colon = userinfo.indexOf(':');
    if (colon >= 0) registerSecret(userinfo.slice(colon + 1));
    else registerSecret(userinfo);
  }
}

/**
 * Registers every credential found in a configuration value of any shape: strings under
 * secret-like names (`isSecretName`, near misses included), at any depth, and passwords
 * inside URLs anywhere.
 */
export function registerSecretsIn(value: unknown, name = '', depth = 0): void {
  if (depth > 20) return;
  if (typeof value === 'string') {
    if (name !== '' && isSecretName(name)) registerSecret(value);
    if (value.includes('://')) registerUrlSecret(value);
    return;
  }
  if (typeof value === 'number' && name !== '' && isSecretName(name)) {
    registerSecret(String(value));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) registerSecretsIn(item, name, depth + 1);
    return;
  }
  for (const [key, inner] of Object.entries(value)) registerSecretsIn(inner, key, depth + 1);
}

/**
 * Masks credentials in text about to leave the process (an error, a log line, CLI output):
 * the password of every `scheme://user:password@` URL and every value registered with
 * `registerSecret`. Ordinary data (a metric's dimensions) passes unchanged.
 */
export function redactSecrets(text: string): string {
  let result = maskUrlPasswords(text);
  for (const secret of knownSecrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/**
 * `redactSecrets`, and also the value after a secret-like name in `name=value` or
 * `"name": "value"` form: for text that may be a configuration typed by a person
 * (broken JSON, an environment variable).
 */
export function redactConfigurationText(text: string): string {
  return redactSecrets(text).replace(INLINE_SECRET, `$1${REDACTED}`);
}
