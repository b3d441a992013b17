/** String-to-string metadata of one counter or timer (stored as unindexed fields). */
export type Metadata = Readonly<Record<string, string>>;

/** Empty metadata, shared (frozen). */
export const NO_METADATA: Metadata = Object.freeze({});

/**
 * Metadata that cannot change any more: `metadata` itself when already frozen (its values
 * are strings, so frozen is immutable), otherwise a frozen copy.
 */
export function frozenMetadata(metadata: Metadata): Metadata {
  // The shared empty object, most metrics' metadata, without a call into the runtime.
  return metadata === NO_METADATA || Object.isFrozen(metadata) ? metadata : Object.freeze({ ...metadata });
}
