import { ConfigurationError } from '../errors/configuration-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import { DebugPublisher } from './debug/debug-publisher.js';
import type { InfluxDBPublisherArgs } from './influxdb/influxdb-publisher-args.js';
import { InfluxDBPublisher } from './influxdb/influxdb-publisher.js';
import type { Publisher } from './publisher.js';
import { PUBLISHER_TYPES } from './publisher-types.js';

type PublisherFactory = (args: Readonly<Record<string, unknown>>, logger: KadabraLogger) => Publisher;

/**
 * Every publisher implementation, by the type name of `AGENT_PUBLISHER_TYPE`. Arguments
 * reach a factory already merged over the type's defaults and validated.
 */
const PUBLISHER_FACTORIES: Readonly<Record<string, PublisherFactory>> = Object.freeze({
  debug: (args, logger) => new DebugPublisher(String(args['logger_name']), logger),
  influxdb: (args, logger) => new InfluxDBPublisher(args as Partial<InfluxDBPublisherArgs>, logger),
});

/**
 * Turns a publisher type and its arguments into a publisher. `args` are overrides of the
 * type's `DEFAULT_ARGS` (a resolved configuration already holds complete ones).
 *
 * @param logger the root logger; publishers log through children of it (`logger_name`).
 * @throws ConfigurationError for an unknown type (listing the known ones) or bad arguments.
 */
export function createPublisher(
  type: string,
  args: Readonly<Record<string, unknown>> | null | undefined,
  logger: KadabraLogger,
): Publisher {
  const factory = Object.hasOwn(PUBLISHER_FACTORIES, type) ? PUBLISHER_FACTORIES[type] : undefined;
  const spec = Object.hasOwn(PUBLISHER_TYPES, type) ? PUBLISHER_TYPES[type] : undefined;
  if (!factory || !spec) {
    throw new ConfigurationError(
      'AGENT_PUBLISHER_TYPE',
      `AGENT_PUBLISHER_TYPE ${JSON.stringify(type)} is not a publisher type; ` +
        `accepted: ${Object.keys(PUBLISHER_FACTORIES).join(', ')}`,
    );
  }
  const parsed = spec.schema.safeParse({ ...spec.defaults, ...args });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue?.path.join('.') ?? '';
    throw new ConfigurationError(
      `AGENT_PUBLISHER_ARGS.${key}`,
      `AGENT_PUBLISHER_ARGS.${key} of publisher ${JSON.stringify(type)}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return factory(parsed.data, logger);
}
