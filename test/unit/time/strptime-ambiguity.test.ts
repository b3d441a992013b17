import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { WireFormatError } from '../../../src/errors/wire-format-error.js';
import { compileTimestampFormat, MAX_TIMESTAMP_FORMAT_LENGTH } from '../../../src/time/timestamp-format.js';
import { askPython, b64, type PythonRequest } from '../wire/python-oracle.js';

/*
 * The parser takes no regular expression, yet must pick the match CPython's backtracking
 * one picks: adjacent variable-width directives (`%m%d` on "110" is January 10th, found
 * by backtracking), whitespace runs on both sides of a directive, and the first complete
 * match winning even when text is left over. Checked live against python3 on texts made
 * to be ambiguous.
 */

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const NUMERIC = ['%m', '%d', '%H', '%I', '%M', '%S', '%f', '%j', '%y', '%Y'];
const OTHERS = ['%b', '%B', '%a', '%A', '%p', '%%', ' ', '  ', '-', 'x', ':'];
const anyFormat = fc
  .shuffledSubarray([...NUMERIC, ...OTHERS.slice(0, 5)], { minLength: 1, maxLength: 6 })
  .chain((directives) =>
    fc.array(fc.constantFrom('', '', '', ...OTHERS.slice(5)), { minLength: directives.length + 1, maxLength: directives.length + 1 })
      .map((glue) => directives.map((d, i) => glue[i] + d).join('') + glue[directives.length]),
  );
const anyText = fc.stringMatching(/^[0-9 \-x:%]{0,14}$/).map((s) => s);
const wordText = fc.array(fc.constantFrom('1', '0', '12', '3', ' ', '  ', 'May', 'mar', 'march', 'tue', 'Tuesday', 'am', 'PM', '-', 'x', ':', '%'), {
  maxLength: 8,
}).map((parts) => parts.join(''));

const PIECES: Record<string, fc.Arbitrary<string>> = {
  '%b': fc.constantFrom('jan', 'May', 'SEP', 'mar'),
  '%B': fc.constantFrom('march', 'May', 'june', 'Mar'),
  '%a': fc.constantFrom('tue', 'Mon', 'sun'),
  '%A': fc.constantFrom('tuesday', 'Tue', 'sunday'),
  '%p': fc.constantFrom('am', 'PM', 'a'),
  '%%': fc.constantFrom('%', ''),
};
// Made once: fast-check builds a regular expression's arbitrary anew at each call, which
// per generated format took most of this file's time (40 s of 45 on a busy machine).
const DIGITS = fc.stringMatching(/^[0-9]{0,4}$/);
const SPACE = fc.constantFrom(' ', '  ', '', '\t');

/** A text shaped like the format: digits of random width where it has numbers, so that splits are ambiguous. */
function shapedText(format: string): fc.Arbitrary<string> {
  const parts = format.match(/%.|[^%]/g) ?? [];
  return fc
    .tuple(
      ...parts.map((part) =>
        PIECES[part] ?? (part.startsWith('%') ? DIGITS : part === ' ' ? SPACE : fc.constantFrom(part, part, '')),
      ),
    )
    .map((texts) => texts.join(''));
}

const cases = [
  ...fc.sample(fc.record({ format: anyFormat, text: fc.oneof(anyText, wordText) }), { numRuns: 1000, seed }),
  ...fc.sample(anyFormat.chain((format) => shapedText(format).map((text) => ({ format, text }))), { numRuns: 4000, seed }),
];

function ours(text: string, format: string): string {
  try {
    return String(compileTimestampFormat(format).parse(text));
  } catch (error) {
    assert.ok(error instanceof WireFormatError, String(error));
    return 'ERR';
  }
}

describe('strptime without backtracking picks what Python picks', () => {
  test('ambiguous formats and texts: the same result as datetime.strptime, or both refuse', () => {
    const requests = cases.map((c): PythonRequest => ({ kind: 'strptime', args: [b64(c.text), b64(c.format)] }));
    const theirs = askPython(requests);
    const mismatches: string[] = [];
    let accepted = 0;
    cases.forEach((c, i) => {
      const answer = theirs[i] as string;
      if (answer !== 'ERR') accepted += 1;
      const mine = ours(c.text, c.format);
      if (mine !== answer) mismatches.push(`${JSON.stringify(c.text)} with ${JSON.stringify(c.format)}: ours ${mine} python ${answer}`);
    });
    assert.deepEqual(mismatches.slice(0, 5), [], `${mismatches.length} mismatches (FC_SEED=${seed})`);
    assert.ok(accepted > 200, `only ${accepted} of ${cases.length} texts matched: the cases are not testing much`);
  });

  test('examples that need backtracking in a regex engine', () => {
    const day = (iso: string): string => String(BigInt(Date.parse(iso)) * 1000n);
    assert.equal(ours('110', '%m%d'), day('1900-01-10T00:00:00Z'));
    assert.equal(ours('1231', '%m%d'), day('1900-12-31T00:00:00Z'));
    assert.equal(ours('2024   01', '%Y %Z %m'), day('2024-01-01T00:00:00Z'));
    assert.equal(ours('2024 5', '%Y %d'), day('2024-01-05T00:00:00Z'));
    assert.equal(ours('2024  5', '%Y %d'), day('2024-01-05T00:00:00Z'));
  });

  test('a repeated directive is refused, as Python refuses it, naming it', () => {
    for (const format of ['%f%f', '%Y-%m-%d %Y', '%z%z', '%H%M%S%H']) {
      assert.throws(
        () => compileTimestampFormat(format),
        (e: unknown) => e instanceof InvalidArgumentError && e.message.includes('twice'),
        format,
      );
    }
    const answers = askPython([{ kind: 'strptime', args: [b64('1 2'), b64('%f %f')] }]);
    assert.match(answers[0] as string, /^EXC /, 'Python refuses %f twice');
  });

  test(`a format longer than ${MAX_TIMESTAMP_FORMAT_LENGTH} characters is refused, naming the limit`, () => {
    const longest = '%Y' + 'x'.repeat(MAX_TIMESTAMP_FORMAT_LENGTH - 2);
    assert.equal(compileTimestampFormat(longest).parse('2024' + 'x'.repeat(MAX_TIMESTAMP_FORMAT_LENGTH - 2)), BigInt(Date.parse('2024-01-01T00:00:00Z')) * 1000n);
    assert.throws(
      () => compileTimestampFormat(longest + 'x'),
      (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(String(MAX_TIMESTAMP_FORMAT_LENGTH)),
    );
  });
});
