/** `--config FILE`, shared by every command. */
export const CONFIG_ARG = Object.freeze({
  type: 'string',
  valueHint: 'FILE',
  description: 'JSON configuration file with Kadabra\'s keys (see docs/configuration.md); KADABRA_<KEY> variables override it',
} as const);

/** `--json`, for machine-readable output. */
export const JSON_ARG = Object.freeze({
  type: 'boolean',
  description: 'Print JSON instead of text',
} as const);
