import { z } from 'zod';

/** Arguments of `InfluxDBPublisher` (the seed's; extended by the InfluxDB work). */
export const influxDBPublisherArgsSchema = z
  .object({
    /** InfluxDB host. Default `localhost`. */
    host: z.string().min(1),
    /** InfluxDB port. Default 8086. */
    port: z.number().int().min(1).max(65535),
    /** Database the metrics are written to. Default `kadabra`. */
    database: z.string().min(1),
    /** Seconds to wait for InfluxDB before failing a write. Default 5. */
    timeout: z.number().positive(),
  })
  .strict();

/** Arguments of `InfluxDBPublisher`, fully resolved. */
export type InfluxDBPublisherArgs = z.infer<typeof influxDBPublisherArgsSchema>;

/** Default arguments for the InfluxDB publisher (the seed's `InfluxDBPublisher.DEFAULT_ARGS`). */
export const INFLUXDB_PUBLISHER_DEFAULT_ARGS: Readonly<InfluxDBPublisherArgs> = Object.freeze({
  host: 'localhost',
  port: 8086,
  database: 'kadabra',
  timeout: 5,
});
