/**
 * An encoded message: its bytes, or its text (written as UTF-8). Bytes handed to a
 * channel never change afterwards (the client's are views into a larger buffer).
 */
export type EncodedMessage = string | Uint8Array;

/**
 * The bytes of an encoded message: text as UTF-8, bytes as they are (a `Buffer` view
 * of them, not a copy).
 */
export function encodedBytes(message: EncodedMessage): Buffer {
  if (typeof message === 'string') return Buffer.from(message, 'utf8');
  return Buffer.isBuffer(message) ? message : Buffer.from(message.buffer, message.byteOffset, message.byteLength);
}
