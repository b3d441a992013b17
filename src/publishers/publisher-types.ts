import { parseArguments, type ArgumentsSpec } from '../config/parse-arguments.js';
import { DEBUG_PUBLISHER_DEFAULT_ARGS, debugPublisherArgsSchema, type DebugPublisherArgs } from './debug/debug-publisher-args.js';
import {
  INFLUXDB_PUBLISHER_DEFAULT_ARGS,
  influxDBPublisherArgsSchema,
  type InfluxDBPublisherArgs,
} from './influxdb/influxdb-publisher-args.js';
import {
  PROMETHEUS_PUBLISHER_DEFAULT_ARGS,
  prometheusPublisherArgsSchema,
  type PrometheusPublisherArgs,
} from './prometheus/prometheus-publisher-args.js';
import {
  POSTGRES_PUBLISHER_DEFAULT_ARGS,
  postgresPublisherArgsSchema,
  type PostgresPublisherArgs,
} from './postgres/postgres-publisher-args.js';

/** Resolved arguments of each publisher type, by type name. Mirrors `PUBLISHER_TYPES`. */
export interface PublisherArgsByType {
  debug: DebugPublisherArgs;
  influxdb: InfluxDBPublisherArgs;
  postgres: PostgresPublisherArgs;
  prometheus: PrometheusPublisherArgs;
}

/**
 * Every publisher type, by the name used in `AGENT_PUBLISHER_TYPE`, with its argument
 * schema and defaults. Configuration validates `AGENT_PUBLISHER_ARGS` here.
 */
export const PUBLISHER_TYPES: Readonly<Record<keyof PublisherArgsByType, ArgumentsSpec>> = Object.freeze({
  debug: { schema: debugPublisherArgsSchema, defaults: DEBUG_PUBLISHER_DEFAULT_ARGS },
  influxdb: { schema: influxDBPublisherArgsSchema, defaults: INFLUXDB_PUBLISHER_DEFAULT_ARGS },
  postgres: { schema: postgresPublisherArgsSchema, defaults: POSTGRES_PUBLISHER_DEFAULT_ARGS },
  prometheus: { schema: prometheusPublisherArgsSchema, defaults: PROMETHEUS_PUBLISHER_DEFAULT_ARGS },
});

/**
 * The arguments of a publisher of `type`: overrides merged over its defaults and
 * validated, or arguments already resolved (by the configuration) as they are.
 * @throws ConfigurationError naming the argument (`AGENT_PUBLISHER_ARGS.port`), the value and what is accepted.
 */
export function parsePublisherArgs<T extends keyof PublisherArgsByType>(
  type: T,
  args: Readonly<Record<string, unknown>> | null | undefined,
): Readonly<PublisherArgsByType[T]> {
  return parseArguments(PUBLISHER_TYPES[type], args, {
    argsKey: 'AGENT_PUBLISHER_ARGS',
    kind: 'publisher',
    typeName: type,
    namesType: true,
  });
}
