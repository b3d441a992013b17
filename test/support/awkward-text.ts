// The alphabet of the escaping fuzz tests: printable ASCII, the characters the InfluxDB line
// protocol and PostgreSQL treat specially (NUL among them), the stored form's escape,
// control characters, the BMP, lone surrogates and astral characters.
import fc from 'fast-check';

/** Characters that the line protocol or InfluxDB 1.6 treat specially, and the escape itself. */
export const awkward = fc.constantFrom(
  ',', '=', ' ', '"', "'", '\\', '\n', '\r', '\t', '\0', '#', '\u241B', '\u007f', '\u2028', '\ufffd',
);

export const anyUnit: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), weight: 5 },
  { arbitrary: awkward, weight: 5 },
  { arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.integer({ min: 0x80, max: 0xffff }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
  { arbitrary: fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)), weight: 1 },
);

/** Any string, with the values InfluxDB refuses as they are weighted in. */
export const anyText = fc.oneof(
  { arbitrary: fc.string({ unit: anyUnit, maxLength: 10 }), weight: 8 },
  {
    arbitrary: fc.constantFrom('', 'time', 'value', 'unit', '#', '\\', 'a\\', '#x', '\tx', '\0x', '\u241B', '\u241B0041'),
    weight: 2,
  },
);

