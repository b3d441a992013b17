import { CollectorClosedError } from '../errors/collector-closed-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { nowMicros, toMicros } from '../time/clock.js';
import { Counter } from '../metrics/counter.js';
import { NO_METADATA, type Metadata } from '../metrics/metadata.js';
import { describeValue } from '../errors/describe-value.js';
import { isPlainObject } from '../config/is-plain-object.js';
import { Dimension } from '../metrics/dimension.js';
import { GAUGE_MARKER, Gauge } from '../metrics/gauge.js';
import { millisecondsToMicros, nanosToMicros } from '../metrics/duration.js';
import { Metrics } from '../metrics/metrics.js';
import { Timer } from '../metrics/timer.js';
import { compileTimestampFormat } from '../time/timestamp-format.js';
import { tokenize } from '../time/strftime.js';
import { Unit } from '../metrics/unit.js';
import { PROCESS_SLOTS } from './same-millisecond-slots.js';

/** Options of a {@link MetricsCollector} beyond its format and dimensions. */
export interface MetricsCollectorOptions {
  /**
   * Called at `close()` with how many metrics given a `Date` had to share a stored
   * microsecond (more than 1,000 of one series in one millisecond in this process).
   */
  readonly onTimestampsShared?: (count: number, example: { readonly name: string; readonly time: string }) => void;
}

/** Options of {@link MetricsCollector.addCount}. */
export interface AddCountOptions {
  /** When the count was recorded: a Date, or a bigint of µs since the epoch. Default: now (UTC). */
  timestamp?: Date | bigint;
  /**
   * String-to-string metadata. A non-empty object replaces the counter's metadata
   * completely; omitted (or empty, as in the Python original) keeps it.
   */
  metadata?: Record<string, string>;
  /** Replace an existing counter's timestamp with `timestamp` (or now). Default: false. */
  replaceTimestamp?: boolean;
}

/** Options of {@link MetricsCollector.setTimer} and {@link MetricsCollector.startTimer}. */
export interface SetTimerOptions {
  /** When the timer was recorded: a Date, or a bigint of µs since the epoch. Default: now (UTC), at each set. */
  timestamp?: Date | bigint;
  /**
   * String-to-string metadata. A non-empty object replaces the timer's metadata
   * completely; omitted (or empty, as in the Python original) keeps it.
   */
  metadata?: Record<string, string>;
}

/** Options of {@link MetricsCollector.setGauge}. */
export interface SetGaugeOptions {
  /** When the value was observed: a Date, or a bigint of µs since the epoch. Default: now (UTC), at each set. */
  timestamp?: Date | bigint;
  /**
   * String-to-string metadata. A non-empty object replaces the gauge's metadata
   * completely; omitted (or empty) keeps it.
   */
  metadata?: Record<string, string>;
}

/** Stops a timer started by {@link MetricsCollector.startTimer}; returns the milliseconds measured. */
export type StopTimer = () => number;

interface CounterSlot {
  value: number;
  timestamp: bigint;
  /** Whether `timestamp` came from a Date: its microseconds are then ours to choose at close(). */
  fromDate: boolean;
  metadata: Metadata;
}

interface GaugeSlot {
  value: number;
  timestamp: bigint;
  fromDate: boolean;
  metadata: Metadata;
}

interface TimerSlot {
  micros: number;
  unit: Unit;
  timestamp: bigint;
  fromDate: boolean;
  metadata: Metadata;
}

// Durations whose whole microseconds a double still holds exactly (about 285 years).
const MAX_DURATION_MICROS = Number.MAX_SAFE_INTEGER;

/**
 * Collects metrics by aggregating counts and keeping track of dimensions and timers,
 * until {@link MetricsCollector.close} turns them into an immutable {@link Metrics}.
 * Usually obtained from `Kadabra.metrics()`, with the client's default dimensions.
 *
 * Semantics are the Python original's: counters sum (first timestamp kept unless
 * `replaceTimestamp`), timers overwrite, dimensions overwrite in place, and everything
 * keeps first-insertion order. Gauges (not in the original) overwrite like timers: the
 * last value set wins, with its time. Misuse throws {@link InvalidArgumentError} at the call;
 * any use after `close()`, including a second `close()`, throws {@link CollectorClosedError}.
 */
export class MetricsCollector {
  /** strftime format of the timestamps in the message this collector produces. */
  readonly timestampFormat: string;
  private readonly dimensions = new Map<string, string>();
  private readonly counters = new Map<string, CounterSlot>();
  private readonly timers = new Map<string, TimerSlot>();
  private readonly gauges = new Map<string, GaugeSlot>();
  private isClosed = false;
  /** Whether the format writes microseconds (`%f`), so that distinct ones reach the agent. */
  private readonly carriesMicros: boolean;
  private readonly onTimestampsShared: MetricsCollectorOptions['onTimestampsShared'];

  /**
   * @param timestampFormat - strftime format for the wire (e.g. `%Y-%m-%dT%H:%M:%S.%fZ`).
   * @param dimensions - Initial dimensions, in their object order.
   * @param options - See {@link MetricsCollectorOptions}.
   * @throws InvalidArgumentError for an unsupported format or a non-string dimension.
   */
  constructor(timestampFormat: string, dimensions?: Readonly<Record<string, string>>, options: MetricsCollectorOptions = {}) {
    compileTimestampFormat(timestampFormat);
    this.timestampFormat = timestampFormat;
    this.carriesMicros = carriesMicros(timestampFormat);
    this.onTimestampsShared = options.onTimestampsShared;
    if (dimensions !== undefined) {
      const source = checkRecord(dimensions, () => 'dimensions');
      for (const name of Object.keys(source)) this.setDimension(name, source[name] as string);
    }
  }

  /** Whether {@link MetricsCollector.close} has been called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Sets a dimension; an existing one is overwritten in place (keeping its position).
   *
   * @throws InvalidArgumentError for an empty or non-string name or a non-string value.
   * @throws CollectorClosedError after `close()`.
   */
  setDimension(name: string, value: string): void {
    if (this.isClosed) throw new CollectorClosedError('setDimension');
    checkName(name, 'setDimension', 'dimension');
    if (typeof value !== 'string') {
      throw new InvalidArgumentError(
        `setDimension(${describeValue(name)}) value must be a string, got ${describeValue(value)}; convert it with String()`,
      );
    }
    this.dimensions.set(name, value);
  }

  /**
   * Adds `value` to the counter `name`, creating it if needed. The hot path (an existing
   * counter, no options) is one map lookup and one addition.
   *
   * @param name - The counter's name.
   * @param value - A finite number, or a bigint (converted to the nearest double, like
   *   Python's `float()`).
   * @param options - Timestamp, metadata and `replaceTimestamp`.
   * @throws InvalidArgumentError for a bad name, a non-finite value, a sum that
   *   overflows to Infinity, bad metadata or a bad timestamp.
   * @throws CollectorClosedError after `close()`.
   */
  addCount(name: string, value: number | bigint, options?: AddCountOptions): void {
    if (this.isClosed) throw new CollectorClosedError('addCount');
    if (options === undefined && typeof value === 'number') {
      const slot = this.counters.get(name);
      if (slot !== undefined) {
        const sum = slot.value + value;
        // Finite check without a call: Infinity - Infinity and NaN - NaN are NaN.
        if (sum - sum === 0) {
          slot.value = sum;
          return;
        }
      }
    }
    this.addCountChecked(name, value, options);
  }

  private addCountChecked(name: string, value: number | bigint, options: AddCountOptions | undefined): void {
    checkName(name, 'addCount', 'counter');
    const amount = toFloat('addCount', name, value);
    const metadata = options?.metadata === undefined ? undefined : checkMetadata(options.metadata, 'addCount', name);
    const explicit = options?.timestamp === undefined ? undefined : toMicros(options.timestamp, () => `addCount(${describeValue(name)}) timestamp`);
    const slot = this.counters.get(name);
    if (slot === undefined) {
      this.counters.set(name, {
        value: amount,
        timestamp: explicit ?? nowMicros(),
        fromDate: options?.timestamp instanceof Date,
        metadata: metadata ?? NO_METADATA,
      });
      return;
    }
    const sum = slot.value + amount;
    if (!Number.isFinite(sum)) {
      throw new InvalidArgumentError(
        `addCount(${describeValue(name)}, ${describeValue(value)}) would overflow the counter's total ` +
          `${describeValue(slot.value)} to ${sum}; keep counter totals within the range of a double`,
      );
    }
    slot.value = sum;
    if (metadata !== undefined && Object.keys(metadata).length > 0) slot.metadata = metadata;
    if (options?.replaceTimestamp === true) {
      slot.timestamp = explicit ?? nowMicros();
      slot.fromDate = options.timestamp instanceof Date;
    }
  }

  /**
   * Sets the timer `name` to a duration, overwriting any previous value and unit. The
   * duration is quantised to whole microseconds as Python's `timedelta(milliseconds=...)`
   * does (round half to even); the value sent is (µs / 1e6) × `unit.secondsOffset`.
   *
   * @param name - The timer's name.
   * @param durationMs - The duration in milliseconds (may be fractional), >= 0.
   * @param unit - The unit to report in, e.g. `Units.MILLISECONDS`.
   * @param options - Timestamp (default: now, at each set) and metadata.
   * @throws InvalidArgumentError for a bad name, a negative or non-finite duration, a
   *   unit that is not a {@link Unit}, bad metadata or a bad timestamp.
   * @throws CollectorClosedError after `close()`.
   */
  setTimer(name: string, durationMs: number, unit: Unit, options?: SetTimerOptions): void {
    if (this.isClosed) throw new CollectorClosedError('setTimer');
    checkName(name, 'setTimer', 'timer');
    if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) {
      throw new InvalidArgumentError(
        `setTimer(${describeValue(name)}) duration must be a finite, non-negative number of milliseconds, ` +
          `got ${describeValue(durationMs)}`,
      );
    }
    const micros = millisecondsToMicros(durationMs);
    if (micros > MAX_DURATION_MICROS) {
      throw new InvalidArgumentError(
        `setTimer(${describeValue(name)}) duration ${durationMs} ms is too long to hold in whole microseconds; ` +
          `pass at most ${MAX_DURATION_MICROS / 1000} ms`,
      );
    }
    checkUnit(unit, 'setTimer', name);
    const timestamp = toTimestamp(options?.timestamp, 'setTimer', name);
    const metadata = options?.metadata === undefined ? undefined : checkMetadata(options.metadata, 'setTimer', name);
    this.storeTimer(name, micros, unit, timestamp ?? nowMicros(), options?.timestamp instanceof Date, metadata);
  }

  /**
   * Starts timing with the monotonic clock (`process.hrtime.bigint()`, immune to wall
   * clock changes). The returned `stop()` sets the timer as {@link setTimer} would, with
   * the elapsed time rounded half to even to whole microseconds, and returns the
   * milliseconds measured. `stop()` may be called once.
   *
   * @param name - The timer's name.
   * @param unit - The unit to report in.
   * @param options - Timestamp (default: now, when stopped) and metadata.
   * @returns The function that stops the timer.
   * @throws InvalidArgumentError for a bad name, unit, metadata or timestamp (here, not at stop).
   * @throws CollectorClosedError after `close()` (here, or from `stop()`).
   */
  startTimer(name: string, unit: Unit, options?: SetTimerOptions): StopTimer {
    if (this.isClosed) throw new CollectorClosedError('startTimer');
    checkName(name, 'startTimer', 'timer');
    checkUnit(unit, 'startTimer', name);
    const timestamp = toTimestamp(options?.timestamp, 'startTimer', name);
    const metadata = options?.metadata === undefined ? undefined : checkMetadata(options.metadata, 'startTimer', name);
    const start = process.hrtime.bigint();
    let stopped = false;
    return () => {
      const elapsed = process.hrtime.bigint() - start;
      if (stopped) {
        throw new InvalidArgumentError(
          `stop() of timer ${describeValue(name)} was already called; call startTimer() again to time another period`,
        );
      }
      if (this.isClosed) throw new CollectorClosedError('stop');
      stopped = true;
      this.storeTimer(name, nanosToMicros(elapsed), unit, timestamp ?? nowMicros(), options?.timestamp instanceof Date, metadata);
      return Number(elapsed) / 1e6;
    };
  }

  private storeTimer(
    name: string,
    micros: number,
    unit: Unit,
    timestamp: bigint,
    fromDate: boolean,
    metadata: Metadata | undefined,
  ): void {
    const slot = this.timers.get(name);
    if (slot === undefined) {
      this.timers.set(name, { micros, unit, timestamp, fromDate, metadata: metadata ?? NO_METADATA });
      return;
    }
    slot.micros = micros;
    slot.unit = unit;
    slot.timestamp = timestamp;
    slot.fromDate = fromDate;
    if (metadata !== undefined && Object.keys(metadata).length > 0) slot.metadata = metadata;
  }

  /**
   * Sets the gauge `name` to `value`, overwriting any previous value: the last value set
   * in this collector is the one sent, with the time it was set. For levels that go up
   * and down (a queue's length, connections open, memory in use); use `addCount` for
   * what accumulates.
   *
   * On the Redis list channel, which Python Kadabra 0.5.0 agents may share, a gauge
   * travels as a counter whose metadata ends with `"kadabra_kind": "gauge"`: a Python
   * agent keeps and publishes it as that counter, this agent as a gauge.
   *
   * @param name - The gauge's name.
   * @param value - A finite number (negative allowed), or a bigint (converted to the nearest double).
   * @param options - Timestamp (default: now, at each set) and metadata.
   * @throws InvalidArgumentError for a bad name, a non-finite value, bad metadata
   *   (including the reserved key `kadabra_kind`) or a bad timestamp.
   * @throws CollectorClosedError after `close()`.
   */
  setGauge(name: string, value: number | bigint, options?: SetGaugeOptions): void {
    if (this.isClosed) throw new CollectorClosedError('setGauge');
    checkName(name, 'setGauge', 'gauge');
    const amount = toFloat('setGauge', name, value);
    const timestamp = toTimestamp(options?.timestamp, 'setGauge', name);
    const metadata = options?.metadata === undefined ? undefined : checkMetadata(options.metadata, 'setGauge', name);
    const fromDate = options?.timestamp instanceof Date;
    const slot = this.gauges.get(name);
    if (slot === undefined) {
      this.gauges.set(name, { value: amount, timestamp: timestamp ?? nowMicros(), fromDate, metadata: metadata ?? NO_METADATA });
      return;
    }
    slot.value = amount;
    slot.timestamp = timestamp ?? nowMicros();
    slot.fromDate = fromDate;
    if (metadata !== undefined && Object.keys(metadata).length > 0) slot.metadata = metadata;
  }

  /**
   * Closes the collector and returns its metrics (dimensions, counters, timers and gauges in
   * first-insertion order; `serializedAt` unset, so it is stamped when encoded).
   * Metrics given a `Date` get distinct microseconds within its millisecond, per series
   * (name and dimensions), across every collector of the process (see `SameMillisecondSlots`).
   *
   * @returns The immutable metrics.
   * @throws CollectorClosedError when already closed.
   */
  close(): Metrics {
    if (this.isClosed) throw new CollectorClosedError('close');
    this.isClosed = true;
    if (this.carriesMicros) this.spreadDates();
    // Sized here (an empty array's first push reserves room for 17), and frozen here so
    // that Metrics keeps these arrays instead of copying them.
    const dimensions = new Array<Dimension>(this.dimensions.size);
    let i = 0;
    for (const [name, value] of this.dimensions) dimensions[i++] = new Dimension(name, value);
    const counters = new Array<Counter>(this.counters.size);
    i = 0;
    for (const [name, c] of this.counters) counters[i++] = new Counter(name, c.timestamp, c.metadata, c.value);
    const timers = new Array<Timer>(this.timers.size);
    i = 0;
    for (const [name, t] of this.timers) timers[i++] = Timer.fromMicroseconds(name, t.timestamp, t.metadata, t.micros, t.unit);
    const gauges = new Array<Gauge>(this.gauges.size);
    i = 0;
    for (const [name, g] of this.gauges) gauges[i++] = new Gauge(name, g.timestamp, g.metadata, g.value);
    Object.freeze(dimensions);
    Object.freeze(counters);
    Object.freeze(timers);
    Object.freeze(gauges);
    return new Metrics(dimensions, counters, timers, this.timestampFormat, undefined, gauges);
  }

  /** Gives each metric whose timestamp came from a Date its own microsecond within that millisecond. */
  private spreadDates(): void {
    let dimensions: string | undefined;
    let shared = 0;
    let example: { name: string; time: string } | undefined;
    for (const slots of [this.timers, this.counters, this.gauges] as const) {
      for (const [name, slot] of slots) {
        if (!slot.fromDate) continue;
        // InfluxDB's series: measurement and tag set, whatever the tags' order.
        dimensions ??= JSON.stringify([...this.dimensions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
        const assigned = PROCESS_SLOTS.assign(JSON.stringify(name) + dimensions, slot.timestamp);
        slot.timestamp = assigned.micros;
        if (assigned.shared) {
          shared += 1;
          example ??= { name, time: new Date(Number(assigned.micros / 1000n)).toISOString() };
        }
      }
    }
    if (shared > 0 && example !== undefined) this.onTimestampsShared?.(shared, example);
  }
}

/** Whether each format seen writes microseconds: a collector per request must not re-parse its format. */
const CARRIES_MICROS = new Map<string, boolean>();

function carriesMicros(format: string): boolean {
  let carries = CARRIES_MICROS.get(format);
  if (carries === undefined) {
    carries = tokenize(format).some((piece) => 'directive' in piece && piece.directive === 'f');
    // Formats come from configuration: a handful per process. The bound only guards a misuse.
    if (CARRIES_MICROS.size < 64) CARRIES_MICROS.set(format, carries);
  }
  return carries;
}

function checkName(name: unknown, method: string, kind: string): void {
  if (typeof name !== 'string' || name === '') {
    throw new InvalidArgumentError(`${method}() ${kind} name must be a non-empty string, got ${describeValue(name)}`);
  }
}

/** Python's `float(value)` for the numbers JS has: numbers as they are, bigints rounded. */
function toFloat(method: string, name: string, value: unknown): number {
  const amount = typeof value === 'bigint' ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new InvalidArgumentError(
      `${method}(${describeValue(name)}) value must be a finite number, got ${describeValue(value)}`,
    );
  }
  return amount;
}

function checkUnit(unit: unknown, method: string, name: string): void {
  if (!(unit instanceof Unit)) {
    throw new InvalidArgumentError(
      `${method}(${describeValue(name)}) unit must be a Unit such as Units.MILLISECONDS, got ${describeValue(unit)}`,
    );
  }
}

function toTimestamp(timestamp: Date | bigint | undefined, method: string, name: string): bigint | undefined {
  return timestamp === undefined ? undefined : toMicros(timestamp, () => `${method}(${describeValue(name)}) timestamp`);
}

function checkRecord(value: unknown, what: () => string): Readonly<Record<string, unknown>> {
  if (!isPlainObject(value)) {
    throw new InvalidArgumentError(`${what()} must be a plain object of strings, got ${describeValue(value)}`);
  }
  return value;
}

/** Validates metadata and copies it, so later changes to the caller's object do not leak in. */
function checkMetadata(metadata: unknown, method: string, name: string): Metadata {
  // Error messages are built only on error: this runs on every call with metadata.
  const source = checkRecord(metadata, () => `${method}(${describeValue(name)}) metadata`);
  const keys = Object.keys(source);
  if (keys.length === 0) return NO_METADATA;
  for (const key of keys) {
    const v = source[key];
    if (key === GAUGE_MARKER.key) {
      throw new InvalidArgumentError(
        `${method}(${describeValue(name)}) metadata key ${describeValue(key)} is reserved: Kadabra marks gauges with it ` +
          'where they travel as counters; rename the key',
      );
    }
    if (typeof v !== 'string') {
      throw new InvalidArgumentError(
        `${method}(${describeValue(name)}) metadata[${describeValue(key)}] must be a string, got ${describeValue(v)}; ` +
          'convert it with String()',
      );
    }
  }
  return Object.freeze({ ...(source as Record<string, string>) });
}
