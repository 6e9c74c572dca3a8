import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { prefixedFieldName, prefixedTypeName } from '../runtime/graphql-resolver/src/graphql-prefix';
import { ApiConfig } from './types';

/** Where `apis[].runtime` folders live. */
export const RUNTIME_ROOT = join(__dirname, '..', 'runtime');
/** The runtime folder of an API that does not name one: the catalogue. */
export const DEFAULT_API_RUNTIME = 'api-service';

/**
 * What an API's runtime folder (lib/runtime/<folder>) gives the infrastructure, read from its
 * `api-runtime.json` (paths relative to the folder):
 *
 *   { "image":   { "context": "..", "file": "stock-service/Dockerfile", "exclude": ["..."] },   (optional)
 *     "graphql": { "schema": "graphql/schema.graphql", "resolver": "graphql/resolver.ts" } }
 *
 * `image` defaults to the folder as the Docker context with its own Dockerfile. The GraphQL
 * schema is a fragment: its types and one `type Query { ... }` block of the fields a consumer of
 * this API serves (a `schema { }` block is ignored); the resolver is the direct Lambda resolver
 * of those fields. A new API with new code is a folder with this file, and a configuration entry.
 */
export interface ApiRuntime {
  /** The folder's name under lib/runtime. */
  readonly folder: string;
  /** The Docker build: context directory, Dockerfile (relative to the context), exclusions. */
  readonly image: { readonly directory: string; readonly file?: string; readonly exclude?: readonly string[] };
  /** What the API's consumers serve. */
  readonly graphql: {
    /** The fragment's types (without its Query block). */
    readonly types: string;
    /** The lines inside its `type Query { }`. */
    readonly queryBody: string;
    /** Its Query fields' names. */
    readonly queryFields: readonly string[];
    /** The names of the types it declares besides Query. */
    readonly typeNames: readonly string[];
    /** Absolute path of the resolver's entry. */
    readonly resolverEntry: string;
    /**
     * The API's `graphqlPrefix`, already applied to every name above; its resolver is told it too.
     * @default - no prefix: the fragment's own names
     */
    readonly prefix?: string;
  };
}

interface Manifest {
  readonly image?: { readonly context?: string; readonly file?: string; readonly exclude?: readonly string[] };
  readonly graphql: { readonly schema: string; readonly resolver: string };
}

const loaded = new Map<string, ApiRuntime>();

/**
 * The runtime of `api` (its `runtime` folder, by default the catalogue's), its GraphQL as the API's
 * consumers serve it: renamed by the API's `graphqlPrefix` when it has one.
 */
export function apiRuntimeOf(api: Pick<ApiConfig, 'runtime' | 'graphqlPrefix'>): ApiRuntime {
  const runtime = loadApiRuntime(api.runtime ?? DEFAULT_API_RUNTIME);
  return api.graphqlPrefix ? withGraphqlPrefix(runtime, api.graphqlPrefix) : runtime;
}

const prefixed = new Map<string, ApiRuntime>();

/**
 * `runtime` with its GraphQL names under `prefix` (the rule is in
 * lib/runtime/graphql-resolver/src/graphql-prefix.ts): each declared type, each reference to one
 * (field and argument types, inside lists and non-null, implements, union members), and each Query
 * field. The fields of the other types keep their names, and so do built-in scalars, enum values,
 * directives and argument names: only what two fragments of one runtime would both declare in one
 * schema is renamed.
 */
export function withGraphqlPrefix(runtime: ApiRuntime, prefix: string): ApiRuntime {
  const key = `${runtime.graphql.resolverEntry}\0${runtime.folder}\0${prefix}`;
  const cached = prefixed.get(key);
  if (cached) return cached;
  const { types, queryBody, queryFields, typeNames, resolverEntry } = runtime.graphql;
  const own = new Set(typeNames);
  const renamedType = (site: NameSite): string | undefined => (isTypeReference(site, own) ? prefixedTypeName(site.name, prefix) : undefined);
  const result: ApiRuntime = {
    ...runtime,
    graphql: {
      types: mapNames(types, renamedType),
      queryBody: mapNames(queryBody, (site) => (isFieldName(site) ? prefixedFieldName(site.name, prefix) : renamedType(site))),
      queryFields: queryFields.map((f) => prefixedFieldName(f, prefix)),
      typeNames: typeNames.map((t) => prefixedTypeName(t, prefix)),
      resolverEntry,
      prefix,
    },
  };
  prefixed.set(key, result);
  return result;
}

/** Reads and checks `lib/runtime/<folder>/api-runtime.json`, once per folder. */
export function loadApiRuntime(folder: string, root = RUNTIME_ROOT): ApiRuntime {
  const key = join(root, folder);
  const cached = loaded.get(key);
  if (cached) return cached;
  const file = join(key, 'api-runtime.json');
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}. It must be { "graphql": { "schema": "<fragment .graphql>", "resolver": "<handler .ts>" } } with an optional "image": { "context", "file", "exclude" }, paths relative to the folder.`);
  };
  if (!existsSync(file)) fail('no such file');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    return fail(`not JSON (${(e as Error).message})`);
  }
  if (typeof manifest?.graphql?.schema !== 'string' || typeof manifest.graphql.resolver !== 'string') fail('graphql.schema and graphql.resolver must be paths');
  const schemaFile = resolve(key, manifest.graphql.schema);
  const resolverEntry = resolve(key, manifest.graphql.resolver);
  for (const path of [schemaFile, resolverEntry]) if (!existsSync(path)) fail(`${path} does not exist`);
  const runtime: ApiRuntime = {
    folder,
    image: {
      directory: resolve(key, manifest.image?.context ?? '.'),
      file: manifest.image?.file,
      exclude: manifest.image?.exclude,
    },
    graphql: { ...parseFragment(readFileSync(schemaFile, 'utf8'), schemaFile), resolverEntry },
  };
  loaded.set(key, runtime);
  return runtime;
}

const QUERY_BLOCK = /\btype\s+Query\s*\{([^}]*)\}/;
const SCHEMA_BLOCK = /\bschema\s*\{[^}]*\}/g;
const TYPE_NAME = /\b(?:type|input|enum|interface|union|scalar)\s+([A-Za-z_][A-Za-z0-9_]*)/g;

/** Splits a fragment into its types and its Query block (comments removed first). */
function parseFragment(text: string, source: string): Omit<ApiRuntime['graphql'], 'resolverEntry'> {
  const code = text.replace(/#[^\n]*/g, '');
  const query = QUERY_BLOCK.exec(code);
  if (!query) throw new Error(`${source}: no "type Query { ... }" block; the fragment must declare the Query fields its API serves.`);
  const queryBody = query[1].trim();
  const queryFields: string[] = [];
  mapNames(queryBody, (site) => {
    if (isFieldName(site)) queryFields.push(site.name);
    return undefined;
  });
  const types = code.replace(QUERY_BLOCK, '').replace(SCHEMA_BLOCK, '').trim();
  const typeNames = [...types.matchAll(TYPE_NAME)].map((m) => m[1]);
  return { types, queryBody, queryFields, typeNames };
}

/** Where a name stands in SDL, as {@link mapNames} sees it. */
interface NameSite {
  readonly name: string;
  /** The significant token before it ('' at the start, 'string' after a string or description). */
  readonly previous: string;
  /** The first significant character after it ('' at the end). */
  readonly next: string;
  /** The `{` and `(` open around it. */
  readonly braces: number;
  readonly parens: number;
  /** Inside an `enum X { ... }` body: a value, never a type. */
  readonly inEnum: boolean;
}

/** A field being declared: a name before its arguments or its type, outside any argument list. */
function isFieldName(site: NameSite): boolean {
  return site.parens === 0 && site.previous !== '@' && (site.next === '(' || site.next === ':');
}

/** A name of `own` standing for that type: declared or referenced (not a field, argument, directive, enum value or default value). */
function isTypeReference(site: NameSite, own: ReadonlySet<string>): boolean {
  if (!own.has(site.name) || site.inEnum || site.previous === '@' || site.next === ':' || site.next === '(') return false;
  // `= X` in an argument list or an input type is a default value; at the top level, a union's members.
  return !(site.previous === '=' && (site.braces > 0 || site.parens > 0));
}

/** Block strings, strings, names, punctuation, and what separates them (commas are insignificant in GraphQL). */
const SDL_TOKEN = /("""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*)|([^\sA-Za-z_,])|([\s,]+)/g;

/** `sdl` with each name replaced by what `replace` returns for it; strings and descriptions stay as they are. */
function mapNames(sdl: string, replace: (site: NameSite) => string | undefined): string {
  let out = '';
  let previous = '';
  let braces = 0;
  let parens = 0;
  let enumAt = -1;
  let enumNext = false;
  for (const match of sdl.matchAll(SDL_TOKEN)) {
    const [text, string, name, punctuation] = match;
    if (name !== undefined) {
      const next = /^[\s,]*(.?)/.exec(sdl.slice(match.index + text.length))![1];
      out += replace({ name, previous, next, braces, parens, inEnum: enumAt >= 0 }) ?? name;
      if (braces === 0 && name === 'enum') enumNext = true;
      previous = name;
      continue;
    }
    out += text;
    if (string !== undefined) previous = 'string';
    else if (punctuation !== undefined) {
      if (punctuation === '{') {
        if (enumNext) enumAt = braces;
        enumNext = false;
        braces += 1;
      } else if (punctuation === '}') {
        braces -= 1;
        if (braces === enumAt) enumAt = -1;
      } else if (punctuation === '(') parens += 1;
      else if (punctuation === ')') parens -= 1;
      previous = punctuation;
    }
  }
  return out;
}

/**
 * One AppSync schema from the fragments of the APIs a consumer calls, as each API serves them
 * (prefixed or not): their types, and one Query with all their fields. Validation has ruled out
 * two of them declaring one type or field.
 */
export function mergedSchema(runtimes: readonly ApiRuntime[]): string {
  const unique = [...new Map(runtimes.map((r) => [`${r.folder}\0${r.graphql.prefix ?? ''}`, r])).values()];
  return [
    ...unique.map((r) => r.graphql.types),
    `type Query {\n  ${unique.map((r) => r.graphql.queryBody.split('\n').map((l) => l.trim()).join('\n  ')).join('\n  ')}\n}`,
    'schema {\n  query: Query\n}',
    '',
  ].join('\n\n');
}
