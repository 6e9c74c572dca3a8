import { readFileSync } from 'node:fs';
import { ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { z } from 'zod';
import { exampleConfig } from './environments';
import { appConfigSchema, configJsonSchema } from './schema';
import { closest } from './suggest';
import { AppConfig } from './types';
import { ConfigError, ConfigProblem, ConfigValidationError } from './errors';
import { assertValidConfig, validateConfig } from './validate';

/**
 * The one way every entry point gets its configuration (bin/app.ts, deploy-commands, diagram,
 * docs, npm start): the typed example in `environments.ts` when no file is given, else a JSON
 * file checked for its shape (zod) and its meaning (`validate.ts`), every problem at once.
 * Throws a {@link ConfigError} (message only, no stack needed) for any configuration mistake.
 */
export function loadConfig(path?: string): AppConfig {
  if (path === undefined || path === '') return assertValidConfig(exampleConfig);
  return parseConfig(readConfigText(path), path);
}

/** The JSON text of `path`, or a ConfigError naming the path. */
function readConfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (error as Error).message;
    throw new ConfigError(`Configuration file ${path}: ${why}. Pass the path of a JSON configuration (see config/example.json), or omit the option to use lib/config/environments.ts.`);
  }
}

/** A configuration from JSON text; `source` names it in messages. */
export function parseConfig(text: string, source: string): AppConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(jsonSyntaxMessage(text, source, error as Error));
  }
  const parsed = appConfigSchema.safeParse(data);
  if (parsed.success) {
    const config: Partial<typeof parsed.data> = { ...parsed.data };
    delete config.$schema; // for editors only
    return assertValidConfig(config as AppConfig);
  }
  const shape = parsed.error.issues.flatMap((issue) => shapeProblems(issue, data));
  throw new ConfigValidationError([...shape, ...semanticProblemsDespite(parsed.error.issues, shape, data)]);
}

/**
 * The semantic checks, run on a file whose shape is wrong so that one pass still reports as much
 * as it can (an unknown region beside a misspelt key). They assume the shape, so each value the
 * schema refused is first replaced by the example's value at the same place (environments and
 * lists by their first entry); problems on, inside, around or mentioning a replaced field are
 * dropped, so a replacement never speaks for the user. If the checks still cannot run, only the
 * shape problems are reported.
 */
function semanticProblemsDespite(issues: readonly z.core.$ZodIssue[], shape: readonly ConfigProblem[], data: unknown): ConfigProblem[] {
  const patched = structuredClone(data) as Record<PropertyKey, unknown>;
  if (patched === null || typeof patched !== 'object' || Array.isArray(patched)) return [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const path = issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator ? issue.path.slice(0, -1) : issue.path;
    const stand = valueAt(path.map((s) => (typeof s === 'number' ? 0 : s)), exampleConfig);
    if (path.length === 0 || stand === undefined) return [];
    const parent = valueAt(path.slice(0, -1), patched);
    if (parent === null || typeof parent !== 'object') return [];
    (parent as Record<PropertyKey, unknown>)[path[path.length - 1]] = structuredClone(stand);
  }
  let semantic: ConfigProblem[];
  try {
    semantic = validateConfig(patched as unknown as AppConfig);
  } catch {
    return [];
  }
  const related = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
  // A sibling's check may compare against the replaced value (minCapacity <= desiredCount).
  const parentOf = (field: string) => field.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
  return semantic.filter(
    (p) => !shape.some((s) => related(p.field, s.field) || p.fix.includes(s.field) || (parentOf(s.field) !== s.field && parentOf(s.field) !== '' && related(p.field, parentOf(s.field)))),
  );
}

/**
 * `file:line:col: ...` for a JSON syntax error, with the likely fix. Node's own JSON.parse
 * message has no position for most errors (Node 20), so jsonc-parser (the scanner VS Code uses,
 * here in strict mode: no comments, no trailing commas) locates the first one.
 */
function jsonSyntaxMessage(text: string, source: string, error: Error): string {
  const errors: ParseError[] = [];
  parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  const position = first?.offset ?? text.length;
  const reason = first ? printParseErrorCode(first.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : error.message;
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  const hint =
    before.trimEnd().endsWith(',') && /^\s*[}\]]/.test(text.slice(position))
      ? 'remove the trailing comma (JSON allows none)'
      : 'JSON needs double-quoted keys and strings, commas between items and none after the last, no comments';
  return `${source}:${line}:${column}: JSON syntax error: ${reason}; ${hint}. Nothing was synthesized.`;
}

type Segment = PropertyKey;

/** `environments[dev].consumers[0].cidr`: environments by name (as validate.ts names them), other arrays by index. */
export function fieldPath(path: readonly Segment[], data: unknown): string {
  let field = '';
  let node: unknown = data;
  path.forEach((segment, i) => {
    const next = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment] : undefined;
    if (typeof segment === 'number') {
      const name = (next as { name?: unknown } | undefined)?.name;
      field += path[i - 1] === 'environments' && typeof name === 'string' && name !== '' ? `[${name}]` : `[${segment}]`;
    } else {
      field += field === '' ? String(segment) : `.${String(segment)}`;
    }
    node = next;
  });
  return field === '' ? '(top level)' : field;
}

function valueAt(path: readonly Segment[], data: unknown): unknown {
  return path.reduce<unknown>((node, segment) => (node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[segment] : undefined), data);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** One zod issue as the problems it stands for (an unknown-keys issue names each key). */
function shapeProblems(issue: z.core.$ZodIssue, data: unknown): ConfigProblem[] {
  const field = fieldPath(issue.path, data);
  const value = valueAt(issue.path, data);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(issue.path);
      return issue.keys.map((key) => {
        const suggestion = closest(key, known);
        return {
          field: fieldPath([...issue.path, key], data),
          value: (value as Record<string, unknown>)[key],
          fix: suggestion
            ? `unknown key; did you mean "${suggestion}"?`
            : `unknown key; the keys allowed here are ${known.map((k) => `"${k}"`).join(', ')}.`,
        };
      });
    }
    case 'invalid_type':
      return [{
        field,
        value,
        fix: value === undefined ? `add this key (${issue.expected}).` : `expected ${issue.expected}, got ${typeName(value)}.`,
      }];
    case 'invalid_value':
      // A schema may give its own fix (schema.ts: connectivity); zod's default message is not one.
      return [{ field, value, fix: issue.message.startsWith('Invalid') ? `use one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.` : issue.message }];
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      return [{ field, value, fix: options ? `use one of ${options.map((v) => JSON.stringify(v)).join(', ')}.` : `${issue.message}.` }];
    }
    default:
      return [{ field, value, fix: `${issue.message}.` }];
  }
}

type JsonSchemaNode = { properties?: Record<string, JsonSchemaNode>; items?: JsonSchemaNode; oneOf?: JsonSchemaNode[]; anyOf?: JsonSchemaNode[] };

let cachedJsonSchema: JsonSchemaNode | undefined;

/** The keys the schema allows in the object at `path` (every variant of a union). */
function knownKeysAt(path: readonly Segment[]): string[] {
  cachedJsonSchema ??= configJsonSchema() as JsonSchemaNode;
  const variants = (node: JsonSchemaNode): JsonSchemaNode[] => [node, ...(node.oneOf ?? []), ...(node.anyOf ?? [])];
  let nodes = [cachedJsonSchema];
  for (const segment of path) {
    nodes = nodes.flatMap(variants).flatMap((node) => {
      const next = typeof segment === 'number' ? node.items : node.properties?.[String(segment)];
      return next ? [next] : [];
    });
  }
  return [...new Set(nodes.flatMap(variants).flatMap((node) => Object.keys(node.properties ?? {})))].filter((k) => k !== '$schema');
}
