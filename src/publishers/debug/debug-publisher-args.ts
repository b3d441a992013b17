import { z } from 'zod';

/** Arguments of `DebugPublisher`. */
export const debugPublisherArgsSchema = z
  .object({
    /** Logger the metrics are written to at INFO. Default `kadabra.publisher`. */
    logger_name: z.string().min(1),
  })
  .strict();

/** Arguments of `DebugPublisher`, fully resolved. */
export type DebugPublisherArgs = z.infer<typeof debugPublisherArgsSchema>;

/** Default arguments for the debug publisher (the original's `DebugPublisher.DEFAULT_ARGS`). */
export const DEBUG_PUBLISHER_DEFAULT_ARGS: Readonly<DebugPublisherArgs> = Object.freeze({
  logger_name: 'kadabra.publisher',
});
