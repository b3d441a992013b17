import type { z } from 'zod';
import { DEBUG_PUBLISHER_DEFAULT_ARGS, debugPublisherArgsSchema } from './debug/debug-publisher-args.js';
import {
  INFLUXDB_PUBLISHER_DEFAULT_ARGS,
  influxDBPublisherArgsSchema,
} from './influxdb/influxdb-publisher-args.js';

/** Argument schema and defaults of one publisher type. */
export interface PublisherTypeArgs {
  readonly schema: z.ZodObject;
  readonly defaults: Readonly<Record<string, unknown>>;
}

/**
 * Every publisher type, by the name used in `AGENT_PUBLISHER_TYPE`, with its argument
 * schema and defaults. Configuration validates `AGENT_PUBLISHER_ARGS` here.
 */
export const PUBLISHER_TYPES: Readonly<Record<string, PublisherTypeArgs>> = Object.freeze({
  debug: { schema: debugPublisherArgsSchema, defaults: DEBUG_PUBLISHER_DEFAULT_ARGS },
  influxdb: { schema: influxDBPublisherArgsSchema, defaults: INFLUXDB_PUBLISHER_DEFAULT_ARGS },
});
