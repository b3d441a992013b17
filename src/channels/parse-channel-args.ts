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
