import type { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';

/**
 * Merges a channel's arguments over its defaults and validates them, for channels
 * constructed directly (the configuration module validates `*_CHANNEL_ARGS` itself).
 * @throws ConfigurationError naming the first bad argument.
 */
export function parseChannelArgs<Schema extends z.ZodObject>(
  channelName: string,
  schema: Schema,
  defaults: Readonly<Record<string, unknown>>,
  args: Readonly<Record<string, unknown>>,
): Readonly<z.infer<Schema>> {
  // zod looks names up with `in`: `__proto__` or `toString` would pass as known and be ignored.
  const foreign = Object.keys(args).find((name) => args[name] !== undefined && !Object.hasOwn(schema.shape, name));
  if (foreign !== undefined) {
    throw new ConfigurationError(
      `CHANNEL_ARGS.${foreign}`,
      `${channelName} argument ${foreign} is not accepted; accepted: ${Object.keys(schema.shape).join(', ')}`,
    );
  }
  const parsed = schema.safeParse({ ...defaults, ...args });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new ConfigurationError(
      `CHANNEL_ARGS.${key}`,
      `${channelName} argument ${key || '(unknown)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return Object.freeze(parsed.data);
}
