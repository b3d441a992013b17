import { ConfigurationError } from '../errors/configuration-error.js';
import type { KadabraLogger } from '../logging/logger.js';
import { DebugPublisher } from './debug/debug-publisher.js';
import { InfluxDBPublisher } from './influxdb/influxdb-publisher.js';
import { PostgresPublisher } from './postgres/postgres-publisher.js';
import { PrometheusPublisher } from './prometheus/prometheus-publisher.js';
import type { Publisher } from './publisher.js';
import { parsePublisherArgs, type PublisherArgsByType } from './publisher-types.js';

type PublisherArgs = Readonly<Record<string, unknown>> | null | undefined;

/**
 * Every publisher implementation, by the type name of `AGENT_PUBLISHER_TYPE`: each
 * parses its arguments as its type (arguments a configuration resolved pass as they
 * are) and hands the typed values to the constructor.
 */
const PUBLISHER_FACTORIES: Readonly<Record<keyof PublisherArgsByType, (args: PublisherArgs, logger: KadabraLogger) => Publisher>> =
  Object.freeze({
    debug: (args, logger) => new DebugPublisher({ args: parsePublisherArgs('debug', args), logger }),
    influxdb: (args, logger) => new InfluxDBPublisher({ args: parsePublisherArgs('influxdb', args), logger }),
    postgres: (args, logger) => new PostgresPublisher({ args: parsePublisherArgs('postgres', args), logger }),
    prometheus: (args, logger) => new PrometheusPublisher({ args: parsePublisherArgs('prometheus', args), logger }),
  });

function isPublisherType(type: string): type is keyof PublisherArgsByType {
  return Object.hasOwn(PUBLISHER_FACTORIES, type);
}

/**
 * Turns a publisher type and its arguments into a publisher. `args` are overrides of the
 * type's `DEFAULT_ARGS`, or the complete arguments of a resolved configuration.
 *
 * @param logger the root logger; publishers log through children of it (`logger_name`).
 * @throws ConfigurationError for an unknown type (listing the known ones) or bad arguments.
 */
export function createPublisher(type: string, args: PublisherArgs, logger: KadabraLogger): Publisher {
  if (!isPublisherType(type)) {
    throw new ConfigurationError(
      'AGENT_PUBLISHER_TYPE',
      `AGENT_PUBLISHER_TYPE ${JSON.stringify(type)} is not a publisher type; ` +
        `accepted: ${Object.keys(PUBLISHER_FACTORIES).join(', ')}`,
    );
  }
  return PUBLISHER_FACTORIES[type](args, logger);
}
