/**
 * How an API's GraphQL names appear in a consumer's schema when the API sets `graphqlPrefix`
 * (two APIs built from one runtime declare the same types and Query fields, and one schema cannot
 * hold both): a Query field `item` becomes `archiveItem`, a type `Item` becomes `ArchiveItem`.
 * The one rule, shared by the synth (which renames the fragment) and the resolvers (which must
 * recognise their fields under the new names). No imports: it is bundled into every resolver.
 */

/** The resolver's environment variable holding its API's prefix (unset: no prefix). */
export const GRAPHQL_PREFIX_ENV = 'GRAPHQL_PREFIX';

/** What a Query field `field` of the fragment is called under `prefix`. */
export function prefixedFieldName(field: string, prefix: string | undefined): string {
  return prefix ? `${prefix}${field.charAt(0).toUpperCase()}${field.slice(1)}` : field;
}

/** What a type `type` of the fragment is called under `prefix`. */
export function prefixedTypeName(type: string, prefix: string | undefined): string {
  return prefix ? `${prefix.charAt(0).toUpperCase()}${prefix.slice(1)}${type}` : type;
}

/**
 * The prefix a resolver's fields carry, from its environment: AppSync hands the handler the
 * schema's field name, so a handler compares it with `prefixedFieldName(<its field>, prefix)`.
 */
export function graphqlPrefixOf(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[GRAPHQL_PREFIX_ENV] || undefined;
}
