import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeJsonSyntaxError } from '../../../src/config/json-syntax-error.js';

/** What `describeJsonSyntaxError` answers for text `JSON.parse` accepts (it is only asked about text it refused). */
const ACCEPTED = 'not valid JSON';

describe('describeJsonSyntaxError', () => {
  it('says where objects and arrays stop being JSON, by line and column', () => {
    const cases: [string, string][] = [
      ['{"a": 1,}', 'unexpected character at line 1, column 9'],
      ['{"a" 1}', 'unexpected character at line 1, column 6'],
      ['{"a": 1 "b": 2}', 'unexpected character at line 1, column 9'],
      ['{a: 1}', 'unexpected character at line 1, column 2'],
      ['{"a": [1, 2,]}', 'unexpected character at line 1, column 13'],
      ['[1 2]', 'unexpected character at line 1, column 4'],
      ['[1, {"b": [true, nul]}]', 'unexpected character at line 1, column 18'],
      ['{\n  "a": 1,\n  "b": [\n', 'unexpected end at line 4, column 1'],
      ['{"a": {}', 'unexpected end at line 1, column 9'],
      ['[]]', 'unexpected character at line 1, column 3'],
      ['{"a": "\\x"}', 'unexpected character at line 1, column 9'],
      ['{"a": -x}', 'unexpected character at line 1, column 8'],
    ];
    for (const [text, expected] of cases) {
      assert.throws(() => JSON.parse(text), SyntaxError, text);
      assert.equal(describeJsonSyntaxError(text), expected, text);
    }
  });

  it('quotes nothing of the text', () => {
    const secret = 'hunter2-secret';
    const message = describeJsonSyntaxError(`{"password": "${secret}", }`);
    assert.equal(message, 'unexpected character at line 1, column 32');
    assert.ok(!message.includes(secret));
  });

  it('refuses exactly what JSON.parse refuses, over every cut and one-character change of valid documents', () => {
    const documents = [
      '{"AGENT_CHANNEL_ARGS": {"host": "127.0.0.1", "port": 6379}, "AGENT_RECEIVER_THREADS": 4}',
      '[1, -2.5e3, "a\\u00e9\\n", true, false, null, [], {}, [{"x": [0]}]]',
      ' { "nested" : [ [ ] , { } ] } ',
    ];
    let checked = 0;
    for (const document of documents) {
      const variants = new Set<string>();
      for (let i = 0; i <= document.length; i += 1) {
        variants.add(document.slice(0, i));
        for (const char of [',', ']', '}', '"', ':', ' ', 'x', '1']) {
          variants.add(document.slice(0, i) + char + document.slice(i + 1));
          variants.add(document.slice(0, i) + char + document.slice(i));
        }
      }
      for (const text of variants) {
        let parsed = true;
        try {
          JSON.parse(text);
        } catch {
          parsed = false;
        }
        assert.equal(describeJsonSyntaxError(text) === ACCEPTED, parsed, JSON.stringify(text));
        checked += 1;
      }
    }
    assert.ok(checked > 1000, `${checked} texts checked`);
  });
});
