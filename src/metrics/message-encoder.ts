import { MessageParts, type MessageTemplate } from './message-parts.js';
import type { Metrics } from './metrics.js';
import { WireWriter } from './wire-writer.js';
import { writeMessage } from './write-message.js';

/** Most templates kept: the shapes of message an application sends over and over. */
const MAX_TEMPLATES = 8;
/** Once this many messages in a row fit no template, only one in this many makes one. */
const RARELY = 32;

/**
 * Encodes messages as bytes, exactly as `encodeMetrics` does, each into a view of the
 * writer's slabs. Keeps a template of the last few shapes of message it encoded, so a
 * message of a known shape costs its variable parts and a few copies (see
 * {@link MessageTemplate}); any other is written part by part, as is every message of
 * an application whose messages keep changing shape.
 */
export class MessageEncoder {
  private readonly parts: MessageParts;
  private readonly templates: MessageTemplate[] = [];
  private missesInARow = 0;

  /** @param writer - Where messages are written (default: a writer of its own). */
  constructor(writer = new WireWriter()) {
    this.parts = new MessageParts(writer);
  }

  /**
   * Encodes `metrics` (`serialized_at` stamped now unless set).
   *
   * @returns The message's bytes (ASCII only), a view that stays valid for as long as it is held.
   * @throws InvalidArgumentError as `encodeMetrics` does; nothing is written then.
   */
  encode(metrics: Metrics): Buffer {
    const { parts, templates } = this;
    const writer = parts.writer;
    const dimensions = metrics.dimensions.length;
    const counters = metrics.counters.length;
    const timers = metrics.timers.length;
    for (let i = 0; i < templates.length; i += 1) {
      const template = templates[i]!;
      if (!template.mayFit(dimensions, counters, timers)) continue;
      writer.begin();
      if (writeMessage(parts.from(template), metrics)) {
        this.missesInARow = 0;
        if (i > 0) {
          templates[i] = templates[0]!;
          templates[0] = template;
        }
        return writer.finish();
      }
    }
    const record = this.missesInARow < RARELY || this.missesInARow % RARELY === 0;
    this.missesInARow += 1;
    writer.begin();
    writeMessage(parts.plain(record), metrics);
    const message = writer.finish();
    if (record) {
      templates.unshift(parts.templateOf(message, [dimensions, counters, timers]));
      if (templates.length > MAX_TEMPLATES) templates.pop();
    }
    return message;
  }
}
