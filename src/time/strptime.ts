import { WireFormatError } from '../errors/wire-format-error.js';
import { MICROS_PER_DAY, daysFromCivil, isValidDate } from './civil-date.js';
import { describeValue } from '../errors/describe-value.js';
import { MAX_MICROS, MIN_MICROS, MONTHS, MONTHS_ABBR, WEEKDAYS, WEEKDAYS_ABBR, type Piece } from './strftime.js';

/*
 * The parsing half of timestamp formats: Python's `datetime.strptime`, without a regular
 * expression. CPython builds one regular expression from the format (one group per
 * directive, matched case-insensitively) and a backtracking engine runs it; a format and
 * a text chosen by a producer could make that take exponential time. Here the same
 * expression is matched with the same priorities (leftmost alternative first, greedy
 * repetition, the first complete match wins, then the whole text must have been used)
 * by a search that remembers every (element, position) it has tried: each is tried once,
 * so parsing takes time linear in the text for a given format, whatever either holds.
 */

/** Ends of the candidate matches of one element at a position, in the regex's priority order. */
type Candidates = (text: string, at: number, out: number[]) => void;

function digit(text: string, at: number): number {
  const d = text.charCodeAt(at) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

function inRange(text: string, at: number, low: number, high: number): boolean {
  const d = digit(text, at);
  return d >= low && d <= high;
}

function isDigit(text: string, at: number): boolean {
  return digit(text, at) >= 0;
}

/** `first[low-high]`, for the one- and two-character alternatives of %m %d %H %I %M %S. */
function pair(text: string, at: number, first: number, low: number, high: number): boolean {
  return digit(text, at) === first && inRange(text, at + 1, low, high);
}

/** JavaScript's case-insensitive canonical form of one UTF-16 unit (what the `i` flag compares). */
function canonical(code: number): number {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  const upper = String.fromCharCode(code).toUpperCase();
  if (upper.length !== 1) return code;
  const u = upper.charCodeAt(0);
  return u < 128 ? code : u;
}

/** Whether `word` (ASCII) is at `at`, ignoring ASCII case. */
function wordAt(text: string, at: number, word: string): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i += 1) {
    if (canonical(text.charCodeAt(at + i)) !== canonical(word.charCodeAt(i))) return false;
  }
  return true;
}

function names(list: readonly string[]): Candidates {
  // Longest first, as CPython orders them, so that `May` never stops `March`... from matching.
  const sorted = [...list].sort((a, b) => b.length - a.length);
  return (text, at, out) => {
    for (const name of sorted) if (wordAt(text, at, name)) out.push(at + name.length);
  };
}

/** `\d{1,count}` greedy from `at`: the ends from the longest down. */
function digitRun(text: string, at: number, count: number, out: number[]): void {
  let n = 0;
  while (n < count && isDigit(text, at + n)) n += 1;
  for (let k = n; k >= 1; k -= 1) out.push(at + k);
}

/**
 * `Z|[+-]\d\d:?[0-5]\d(?::?[0-5]\d(?:\.\d{1,6})?)?|` (an empty alternative too: a naive
 * datetime formats %z as nothing).
 */
function offsetCandidates(text: string, at: number, out: number[]): void {
  if (wordAt(text, at, 'Z')) out.push(at + 1);
  const sign = text.charCodeAt(at);
  if ((sign === 43 || sign === 45) && isDigit(text, at + 1) && isDigit(text, at + 2)) {
    for (const colon of text.charCodeAt(at + 3) === 58 ? [1, 0] : [0]) {
      const m = at + 3 + colon;
      if (!inRange(text, m, 0, 5) || !isDigit(text, m + 1)) continue;
      const afterMinutes = m + 2;
      for (const colon2 of text.charCodeAt(afterMinutes) === 58 ? [1, 0] : [0]) {
        const s = afterMinutes + colon2;
        if (!inRange(text, s, 0, 5) || !isDigit(text, s + 1)) continue;
        const afterSeconds = s + 2;
        if (text.charCodeAt(afterSeconds) === 46) digitRun(text, afterSeconds + 1, 6, out);
        out.push(afterSeconds);
      }
      out.push(afterMinutes);
    }
  }
  out.push(at);
}

// CPython's expressions for each directive, as candidate enumerators in the same order.
const CANDIDATES: Record<string, Candidates> = {
  Y: (t, a, out) => {
    if (isDigit(t, a) && isDigit(t, a + 1) && isDigit(t, a + 2) && isDigit(t, a + 3)) out.push(a + 4);
  },
  // (1[0-2]|0[1-9]|[1-9])
  m: (t, a, out) => {
    if (pair(t, a, 1, 0, 2) || pair(t, a, 0, 1, 9)) out.push(a + 2);
    if (inRange(t, a, 1, 9)) out.push(a + 1);
  },
  // (3[01]|[12]\d|0[1-9]|[1-9]| [1-9])
  d: (t, a, out) => {
    if (pair(t, a, 3, 0, 1) || (inRange(t, a, 1, 2) && isDigit(t, a + 1)) || pair(t, a, 0, 1, 9)) out.push(a + 2);
    if (inRange(t, a, 1, 9)) out.push(a + 1);
    if (t.charCodeAt(a) === 32 && inRange(t, a + 1, 1, 9)) out.push(a + 2);
  },
  // (2[0-3]|[01]\d|\d)
  H: (t, a, out) => {
    if (pair(t, a, 2, 0, 3) || (inRange(t, a, 0, 1) && isDigit(t, a + 1))) out.push(a + 2);
    if (isDigit(t, a)) out.push(a + 1);
  },
  I: (t, a, out) => CANDIDATES.m?.(t, a, out),
  // ([0-5]\d|\d)
  M: (t, a, out) => {
    if (inRange(t, a, 0, 5) && isDigit(t, a + 1)) out.push(a + 2);
    if (isDigit(t, a)) out.push(a + 1);
  },
  // (6[01]|[0-5]\d|\d)
  S: (t, a, out) => {
    if (pair(t, a, 6, 0, 1) || (inRange(t, a, 0, 5) && isDigit(t, a + 1))) out.push(a + 2);
    if (isDigit(t, a)) out.push(a + 1);
  },
  f: (t, a, out) => digitRun(t, a, 6, out),
  // (36[0-6]|3[0-5]\d|[12]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])
  j: (t, a, out) => {
    const d0 = digit(t, a);
    const d1 = digit(t, a + 1);
    const d2 = digit(t, a + 2);
    if (
      (d0 === 3 && d1 === 6 && d2 >= 0 && d2 <= 6) ||
      (d0 === 3 && d1 >= 0 && d1 <= 5 && d2 >= 0) ||
      ((d0 === 1 || d0 === 2) && d1 >= 0 && d2 >= 0) ||
      (d0 === 0 && d1 >= 1 && d2 >= 0) ||
      (d0 === 0 && d1 === 0 && d2 >= 1)
    ) {
      out.push(a + 3);
    }
    if ((d0 >= 1 && d1 >= 0) || (d0 === 0 && d1 >= 1)) out.push(a + 2);
    if (d0 >= 1) out.push(a + 1);
  },
  y: (t, a, out) => {
    if (isDigit(t, a) && isDigit(t, a + 1)) out.push(a + 2);
  },
  b: names(MONTHS_ABBR),
  B: names(MONTHS),
  a: names(WEEKDAYS_ABBR),
  A: names(WEEKDAYS),
  p: names(['am', 'pm']),
  z: offsetCandidates,
  Z: (t, a, out) => {
    if (wordAt(t, a, 'utc') || wordAt(t, a, 'gmt')) out.push(a + 3);
    out.push(a);
  },
};

/** Whether a UTF-16 unit is whitespace as JavaScript's `\s` has it. */
function isSpace(code: number): boolean {
  return (
    (code >= 9 && code <= 13) || code === 32 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
}

/** One element of the expression: a directive, a fixed literal, or a whitespace run (`\s+`). */
type Element =
  | { readonly kind: 'directive'; readonly directive: string; readonly candidates: Candidates }
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'space' };

/** Splits literals at whitespace runs, which CPython turns into `\s+`. */
function elementsOf(pieces: readonly Piece[]): Element[] {
  const elements: Element[] = [];
  for (const piece of pieces) {
    if ('directive' in piece) {
      elements.push({ kind: 'directive', directive: piece.directive, candidates: CANDIDATES[piece.directive] as Candidates });
      continue;
    }
    let fixed = '';
    for (let i = 0; i < piece.literal.length; i += 1) {
      const code = piece.literal.charCodeAt(i);
      if (!isSpace(code)) {
        fixed += piece.literal.charAt(i);
        continue;
      }
      if (fixed !== '') elements.push({ kind: 'literal', text: fixed });
      fixed = '';
      if (elements.at(-1)?.kind !== 'space') elements.push({ kind: 'space' });
    }
    if (fixed !== '') elements.push({ kind: 'literal', text: fixed });
  }
  return elements;
}

const FAIL = -1;
const OVER_BUDGET = -2;

/** Integer-keyed memory: `get` gives undefined for a key never set. */
interface Memo {
  get(key: number): number | undefined;
  set(key: number, value: number): void;
}

/** Keys below this many take a flat array (4 bytes a key); beyond, a map holds only what is visited. */
const FLAT_MEMO_KEYS = 1 << 20;

class FlatMemo implements Memo {
  private readonly values: Int32Array;

  constructor(size: number) {
    this.values = new Int32Array(size).fill(UNSET);
  }

  get(key: number): number | undefined {
    const value = this.values[key] as number;
    return value === UNSET ? undefined : value;
  }

  set(key: number, value: number): void {
    this.values[key] = value;
  }
}

const UNSET = -3;
const NO_MEMO: Memo = new FlatMemo(0);

function newMemo(size: number): Memo {
  return size <= FLAT_MEMO_KEYS ? new FlatMemo(size) : new Map<number, number>();
}

/**
 * The first complete match of `elements` against `text` from position 0, as a backtracking
 * engine would find it, in linear time: where each element ends, or undefined.
 */
class Matcher {
  // Made only when the plain search runs out of budget.
  /** `element * (length + 1) + position` -> end of the first complete match from there, or FAIL. */
  private reach: Memo = NO_MEMO;
  /** Same key -> where the element chosen there ends. */
  private choice: Memo = NO_MEMO;
  /** For a space element and the end of a whitespace run: [lowest position scanned, the largest end that worked or FAIL]. */
  private spaceScans = new Map<number, [number, number]>();
  private readonly stride: number;
  private readonly scratch: number[] = [];
  /** Where the whitespace run containing each position ends (computed on first need). */
  private runEnds: Int32Array | undefined;

  constructor(
    private readonly elements: readonly Element[],
    private readonly text: string,
  ) {
    this.stride = text.length + 1;
  }

  /** Ends of every element of the first complete match, or undefined if there is none. */
  run(): number[] | undefined {
    // Most texts match at the first try of each element: a plain search finds that
    // without the bookkeeping, and hands over to the remembering one past a budget
    // proportional to the text, so the whole stays linear.
    this.budget = 4 * (this.elements.length + this.text.length) + 16;
    const ends = new Array<number>(this.elements.length);
    const quick = this.plain(0, 0, ends);
    if (quick !== OVER_BUDGET) return quick === FAIL ? undefined : ends;
    return this.remembering();
  }

  private budget = 0;

  /** The backtracking search itself, without memory; OVER_BUDGET once it has tried too much. */
  private plain(i: number, at: number, ends: number[]): number {
    if (i === this.elements.length) return at;
    const element = this.elements[i] as Element;
    if (element.kind === 'literal') {
      if ((this.budget -= 1) < 0) return OVER_BUDGET;
      if (!this.literalAt(element.text, at)) return FAIL;
      return this.plainNext(i, at + element.text.length, ends);
    }
    if (element.kind === 'space') {
      if (!isSpace(this.text.charCodeAt(at))) return FAIL;
      for (let end = this.runEndOf(at); end > at; end -= 1) {
        if ((this.budget -= 1) < 0) return OVER_BUDGET;
        const result = this.plainNext(i, end, ends);
        if (result !== FAIL) return result;
      }
      return FAIL;
    }
    const scratch = this.scratch;
    const base = scratch.length;
    element.candidates(this.text, at, scratch);
    let result = FAIL;
    for (let k = base; k < scratch.length && result === FAIL; k += 1) {
      if ((this.budget -= 1) < 0) {
        result = OVER_BUDGET;
        break;
      }
      result = this.plainNext(i, scratch[k] as number, ends);
    }
    scratch.length = base;
    return result;
  }

  private plainNext(i: number, end: number, ends: number[]): number {
    const result = this.plain(i + 1, end, ends);
    if (result >= 0) ends[i] = end;
    return result;
  }

  private remembering(): number[] | undefined {
    this.reach = newMemo(this.elements.length * this.stride);
    this.choice = newMemo(this.elements.length * this.stride);
    const end = this.from(0, 0);
    if (end === FAIL) return undefined;
    const ends: number[] = [];
    let at = 0;
    for (let i = 0; i < this.elements.length; i += 1) {
      at = this.choice.get(i * this.stride + at) as number;
      ends.push(at);
    }
    return ends;
  }

  /** End of the first complete match of elements[i..] from `at`, or FAIL. Memoised: each pair is solved once. */
  private from(i: number, at: number): number {
    if (i === this.elements.length) return at;
    const key = i * this.stride + at;
    const known = this.reach.get(key);
    if (known !== undefined) return known;
    // No mark while in progress is needed: from(i) only ever asks from(i + 1).
    const element = this.elements[i] as Element;
    let result = FAIL;
    if (element.kind === 'literal') {
      if (this.literalAt(element.text, at)) result = this.take(i, key, at + element.text.length);
    } else if (element.kind === 'space') {
      result = this.space(i, key, at);
    } else {
      const scratch = this.scratch;
      const base = scratch.length;
      element.candidates(this.text, at, scratch);
      for (let k = base; k < scratch.length && result === FAIL; k += 1) result = this.take(i, key, scratch[k] as number);
      scratch.length = base;
    }
    this.reach.set(key, result);
    return result;
  }

  /** Tries the rest after element `i` ends at `end`; on success records the choice. */
  private take(i: number, key: number, end: number): number {
    const result = this.from(i + 1, end);
    if (result !== FAIL) this.choice.set(key, end);
    return result;
  }

  private literalAt(literal: string, at: number): boolean {
    if (at + literal.length > this.text.length) return false;
    for (let k = 0; k < literal.length; k += 1) {
      const a = this.text.charCodeAt(at + k);
      const b = literal.charCodeAt(k);
      if (a !== b && canonical(a) !== canonical(b)) return false;
    }
    return true;
  }

  /**
   * `\s+`, greedy: the longest run first, then shorter ones. Every position inside one
   * run shares the same candidate ends, so one downward scan per run and element serves
   * them all: the largest end whose rest matched answers every start below it.
   */
  private space(i: number, key: number, at: number): number {
    if (!isSpace(this.text.charCodeAt(at))) return FAIL;
    const runEnd = this.runEndOf(at);
    const scanKey = i * this.stride + runEnd;
    let scan = this.spaceScans.get(scanKey);
    if (scan === undefined) {
      scan = [runEnd + 1, FAIL];
      this.spaceScans.set(scanKey, scan);
    }
    if (scan[1] === FAIL) {
      // Ends from scan[0] - 1 down to at + 1 have not been tried yet.
      for (let end = scan[0] - 1; end > at; end -= 1) {
        scan[0] = end;
        if (this.from(i + 1, end) !== FAIL) {
          scan[1] = end;
          break;
        }
      }
    }
    const best = scan[1];
    if (best === FAIL || best <= at) return FAIL;
    this.choice.set(key, best);
    return this.from(i + 1, best);
  }

  private runEndOf(at: number): number {
    if (this.runEnds === undefined) {
      const text = this.text;
      const ends = new Int32Array(text.length + 1);
      ends[text.length] = text.length;
      for (let k = text.length - 1; k >= 0; k -= 1) ends[k] = isSpace(text.charCodeAt(k)) ? (ends[k + 1] as number) : k;
      this.runEnds = ends;
    }
    return this.runEnds[at] as number;
  }
}

function monthIndex(list: readonly string[], text: string): number {
  const lower = text.toLowerCase();
  return list.findIndex((n) => n.toLowerCase() === lower) + 1;
}

/** Offset in microseconds east of UTC written by %z (`+0530`, `-05:00`, `Z`, or empty). */
function parseOffset(z: string): number | undefined {
  if (z === '' || z === 'Z') return 0;
  if (z === 'z') return undefined;
  let digits = z.slice(1);
  if (digits.charAt(2) === ':') {
    digits = digits.slice(0, 2) + digits.slice(3);
    if (digits.length > 4) {
      if (digits.charAt(4) !== ':') return undefined;
      digits = digits.slice(0, 4) + digits.slice(5);
    }
  }
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  const seconds = Number(digits.slice(4, 6) || '0');
  const fraction = Number((digits.slice(7) + '000000').slice(0, 6));
  const total = ((hours * 60 + minutes) * 60 + seconds) * 1e6 + fraction;
  if (total >= MICROS_PER_DAY) return undefined;
  return z.charAt(0) === '-' ? -total : total;
}

/**
 * Compiles tokenized pieces into a parser with the semantics of Python's `strptime`.
 *
 * @param format - The format, for error messages.
 * @param pieces - The tokenized format.
 */
export function compileParser(format: string, pieces: readonly Piece[]): (text: string) => bigint {
  const elements = elementsOf(pieces);
  const keys: string[] = [];
  const positions: number[] = [];
  elements.forEach((element, i) => {
    if (element.kind !== 'directive') return;
    keys.push(element.directive);
    positions.push(i);
  });
  const pIndex = keys.indexOf('p');

  return (text) => {
    if (typeof text !== 'string') return mismatch(text, format, ' (not a string)');
    const ends = new Matcher(elements, text).run();
    if (ends === undefined) return mismatch(text, format, '');
    // Python takes the first match and then refuses text left over.
    if ((ends.at(-1) ?? 0) !== text.length) return mismatch(text, format, ' (unconverted data remains)');
    const match = (k: number): string => {
      const i = positions[k] as number;
      return text.slice(i === 0 ? 0 : (ends[i - 1] as number), ends[i] as number);
    };
    let year = 1900;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let micro = 0;
    let julian = 0;
    let offset = 0;
    for (let i = 0; i < keys.length; i += 1) {
      const s = match(i);
      switch (keys[i]) {
        case 'Y':
          year = Number(s);
          break;
        case 'y':
          year = Number(s) <= 68 ? 2000 + Number(s) : 1900 + Number(s);
          break;
        case 'm':
          month = Number(s);
          break;
        case 'b':
          month = monthIndex(MONTHS_ABBR, s);
          break;
        case 'B':
          month = monthIndex(MONTHS, s);
          break;
        case 'd':
          day = Number(s.trim());
          break;
        case 'H':
          hour = Number(s);
          break;
        case 'I': {
          const ampm = pIndex >= 0 ? match(pIndex).toLowerCase() : '';
          hour = Number(s) % 12 + (ampm === 'pm' ? 12 : 0);
          break;
        }
        case 'M':
          minute = Number(s);
          break;
        case 'S':
          second = Number(s);
          break;
        case 'f':
          micro = Number((s + '00000').slice(0, 6));
          break;
        case 'j':
          julian = Number(s);
          break;
        case 'z': {
          const parsed = parseOffset(s);
          if (parsed === undefined) return mismatch(text, format, ` (bad UTC offset ${describeValue(s)})`);
          offset = parsed;
          break;
        }
        default:
          // %a %A %p %Z carry no information once matched (as in Python).
          break;
      }
    }
    if (second > 59) return mismatch(text, format, ` (second ${second} is out of range 0..59)`);
    let days: number;
    if (julian > 0) {
      if (year < 1 || year > 9999) return mismatch(text, format, ` (year ${year} is out of range 1..9999)`);
      days = daysFromCivil(year, 1, 1) + julian - 1;
    } else {
      if (!isValidDate(year, month, day)) return mismatch(text, format, ` (${year}-${month}-${day} is not a valid date)`);
      days = daysFromCivil(year, month, day);
    }
    const seconds = days * 86_400 + hour * 3600 + minute * 60 + second;
    const result =
      seconds > -9e9 && seconds < 9e9
        ? BigInt(seconds * 1e6 + micro - offset)
        : BigInt(seconds) * 1_000_000n + BigInt(micro - offset);
    if (result < MIN_MICROS || result > MAX_MICROS) return mismatch(text, format, ' (outside years 1..9999)');
    return result;
  };
}

function mismatch(text: unknown, format: string, why: string): never {
  throw new WireFormatError(`time data ${describeValue(text)} does not match format ${describeValue(format)}${why}`);
}


function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` exactly, without a regex; undefined means "ask the generic parser". */
export function parseDefaultFast(text: string): bigint | undefined {
  if (
    text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84 ||
    text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || text.charCodeAt(19) !== 46 ||
    text.charCodeAt(26) !== 90
  ) {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  const micro = digitsAt(text, 20, 6);
  if (micro < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (!isValidDate(year, month, day)) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  return seconds > -9e9 && seconds < 9e9 ? BigInt(seconds * 1e6 + micro) : BigInt(seconds) * 1_000_000n + BigInt(micro);
}

