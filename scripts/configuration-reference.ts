// Builds the generated reference of docs/configuration.md; run by scripts/generate-config-docs.mjs
// after a build, and checked by a unit test. Not part of the package.
import type { z } from 'zod';
import { ARGUMENT_DESCRIPTIONS } from './argument-descriptions.js';
import { ARGUMENT_KEYS, type ArgumentKeyPair } from '../src/config/argument-keys.js';
import { CONFIG_KEY_NAMES, CONFIG_KEYS } from '../src/config/config-keys.js';
import { describeAccepted, jsonSchemaAt, jsonSchemaOf, type JsonSchema } from '../src/config/describe-schema.js';

/** Marker before the generated section of docs/configuration.md. */
export const CONFIG_DOCS_START = '<!-- config-table:start -->';
/** Marker after the generated section of docs/configuration.md. */
export const CONFIG_DOCS_END = '<!-- config-table:end -->';

/** Shown for an argument that neither its schema nor `ARGUMENT_DESCRIPTIONS` describes. */
export const UNDOCUMENTED = '(undocumented)';

/**
 * `describeAccepted` for a Markdown table cell: no leading articles, literals as code
 * (`positive integer`, ``one of `"debug"`, `"influxdb"` ``).
 */
function describeType(node: JsonSchema | undefined): string {
  return describeAccepted(node, (text) => `\`${text}\``).replace(/\b(?:a|an) (?=\w)/g, (match, offset: number, text: string) =>
    // Only articles that start an alternative ("a string or null"), never inside "one of ...".
    offset === 0 || text.slice(0, offset).endsWith(' or ') ? '' : match,
  );
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(value: unknown): string {
  return value === undefined ? 'unset' : `\`${JSON.stringify(value)}\``;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The table of every configuration key: key, side, type, default, description. */
export function configurationKeysTable(): string {
  const rows = CONFIG_KEY_NAMES.map((name) => {
    const spec = CONFIG_KEYS[name];
    return [`\`${name}\``, spec.side, describeType(jsonSchemaOf(spec.schema)), code(spec.default), spec.description];
  });
  return table(['Key', 'Side', 'Type', 'Default', 'Description'], rows);
}

/** Description of one argument: the schema's `.describe()`, else `ARGUMENT_DESCRIPTIONS`. */
export function argumentDescription(
  kind: ArgumentKeyPair['kind'],
  typeName: string,
  argument: string,
  schema: z.ZodType | undefined,
): string {
  return schema?.description ?? ARGUMENT_DESCRIPTIONS[kind][typeName]?.[argument] ?? UNDOCUMENTED;
}

function argumentsTable(pair: ArgumentKeyPair, typeName: string): string {
  const type = pair.registry[typeName];
  if (type === undefined) return '';
  const json = jsonSchemaOf(type.schema);
  const rows = Object.entries(type.schema.shape).map(([argument, schema]) => [
    `\`${argument}\``,
    describeType(jsonSchemaAt(json, [argument])),
    code(type.defaults[argument]),
    argumentDescription(pair.kind, typeName, argument, schema as z.ZodType),
  ]);
  return table(['Argument', 'Type', 'Default', 'Description'], rows);
}

function argumentSections(kind: ArgumentKeyPair['kind'], heading: string): string[] {
  const pairs = ARGUMENT_KEYS.filter((pair) => pair.kind === kind);
  const first = pairs[0];
  if (first === undefined) return [];
  const keys = pairs.map((pair) => `\`${pair.argsKey}\``).join(' and ');
  const typeKeys = pairs.map((pair) => `\`${pair.typeKey}\``).join(' / ');
  const sections = [`### ${heading}`, '', `Accepted inside ${keys}; the table of the type named by ${typeKeys} applies.`];
  for (const typeName of Object.keys(first.registry)) {
    sections.push('', `#### \`${typeName}\``, '', argumentsTable(first, typeName));
  }
  return sections;
}

/** The whole generated reference: the key table, then the argument tables of every type. */
export function configurationReferenceMarkdown(): string {
  return [
    '### Keys',
    '',
    configurationKeysTable(),
    '',
    ...argumentSections('channel', 'Channel arguments'),
    '',
    ...argumentSections('publisher', 'Publisher arguments'),
  ].join('\n');
}

/**
 * `document` with the text between `CONFIG_DOCS_START` and `CONFIG_DOCS_END` replaced
 * by the current generated reference.
 *
 * @throws Error when either marker is missing or they are out of order.
 */
export function replaceConfigurationReference(document: string): string {
  const start = document.indexOf(CONFIG_DOCS_START);
  const end = document.indexOf(CONFIG_DOCS_END);
  if (start < 0 || end < start) {
    throw new Error(`expected ${CONFIG_DOCS_START} followed by ${CONFIG_DOCS_END}`);
  }
  return (
    document.slice(0, start + CONFIG_DOCS_START.length) +
    `\n${configurationReferenceMarkdown()}\n` +
    document.slice(end)
  );
}
