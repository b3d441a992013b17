/** Thrown inside the scanner at the first offending offset. */
class SyntaxAt {
  constructor(readonly offset: number) {}
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/** A strict JSON scanner that only finds where text stops being JSON (no values kept). */
class Scanner {
  private index = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  /** The offset of the first character that makes `text` invalid JSON, or -1. */
  firstError(): number {
    try {
      this.skipSpace();
      this.value();
      this.skipSpace();
      if (this.index < this.text.length) throw new SyntaxAt(this.index);
      return -1;
    } catch (error) {
      if (error instanceof SyntaxAt) return error.offset;
      throw error;
    }
  }

  private skipSpace(): void {
    while (this.index < this.text.length && WHITESPACE.has(this.text[this.index] ?? '')) this.index++;
  }

  private expect(char: string): void {
    if (this.text[this.index] !== char) throw new SyntaxAt(this.index);
    this.index++;
  }

  private value(): void {
    const char = this.text[this.index];
    if (char === '{') return this.object();
    if (char === '[') return this.array();
    if (char === '"') return this.string();
    if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return;
      }
    }
    throw new SyntaxAt(this.index);
  }

  /**
   * An object or an array: `open`, members read by `member` and separated by commas, then
   * `close`. Nesting is capped: configuration is small, and the scanner recurses.
   */
  private container(open: string, close: string, member: () => void): void {
    if (++this.depth > 1000) throw new SyntaxAt(this.index);
    this.expect(open);
    this.skipSpace();
    if (!this.closes(close)) {
      for (;;) {
        this.skipSpace();
        member();
        this.skipSpace();
        if (this.closes(close)) break;
        this.expect(',');
      }
    }
    this.depth--;
  }

  /** Steps over `close` if it is next. */
  private closes(close: string): boolean {
    if (this.text[this.index] !== close) return false;
    this.index++;
    return true;
  }

  private object(): void {
    this.container('{', '}', () => {
      this.string();
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      this.value();
    });
  }

  private array(): void {
    this.container('[', ']', () => this.value());
  }

  private string(): void {
    this.expect('"');
    for (;;) {
      const char = this.text[this.index];
      if (char === undefined || char < ' ') throw new SyntaxAt(this.index);
      this.index++;
      if (char === '"') return;
      if (char === '\\') {
        const escaped = this.text[this.index];
        if (escaped === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 1, this.index + 5))) throw new SyntaxAt(this.index);
          this.index += 5;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) {
          this.index++;
        } else {
          throw new SyntaxAt(this.index);
        }
      }
    }
  }

  private number(): void {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.index, this.index + 400));
    if (match === null) throw new SyntaxAt(this.index + (this.text[this.index] === '-' ? 1 : 0));
    this.index += match[0].length;
  }
}

/**
 * Where `text` stops being JSON, in words that quote nothing of it (so a credential in a
 * broken configuration is never echoed, unlike `JSON.parse`'s own messages, which quote
 * the input): `unexpected character at line 1, column 14` or `unexpected end at line 3,
 * column 1`.
 */
export function describeJsonSyntaxError(text: string): string {
  const offset = new Scanner(text).firstError();
  if (offset < 0) return 'not valid JSON';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const what = offset >= text.length ? 'unexpected end' : 'unexpected character';
  return `${what} at line ${line}, column ${column}`;
}
