import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  };
}

interface Manifest {
  readonly image?: { readonly context?: string; readonly file?: string; readonly exclude?: readonly string[] };
  readonly graphql: { readonly schema: string; readonly resolver: string };
}

const loaded = new Map<string, ApiRuntime>();

/** The runtime of `api` (its `runtime` folder, by default the catalogue's). */
export function apiRuntimeOf(api: ApiConfig): ApiRuntime {
  return loadApiRuntime(api.runtime ?? DEFAULT_API_RUNTIME);
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
  // A field is a name at the start of a line, before its arguments or its type.
  const queryFields = queryBody.split('\n').map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*[(:]/.exec(line)?.[1]).filter((f): f is string => f !== undefined);
  const types = code.replace(QUERY_BLOCK, '').replace(SCHEMA_BLOCK, '').trim();
  const typeNames = [...types.matchAll(TYPE_NAME)].map((m) => m[1]);
  return { types, queryBody, queryFields, typeNames };
}

/**
 * One AppSync schema from the fragments of the APIs a consumer calls: their types, and one Query
 * with all their fields. Validation has ruled out two fragments declaring one type or field.
 */
export function mergedSchema(runtimes: readonly ApiRuntime[]): string {
  const unique = [...new Map(runtimes.map((r) => [r.folder, r])).values()];
  return [
    ...unique.map((r) => r.graphql.types),
    `type Query {\n  ${unique.map((r) => r.graphql.queryBody.split('\n').map((l) => l.trim()).join('\n  ')).join('\n  ')}\n}`,
    'schema {\n  query: Query\n}',
    '',
  ].join('\n\n');
}
