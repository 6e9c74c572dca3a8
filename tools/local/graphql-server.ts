/**
 * Local stand-in for AppSync: graphql-http on node:http executing the SAME schema as the
 * consumer's AppSync API (the merged fragments of the APIs it calls, lib/config/api-runtime.ts),
 * with every `Query` field resolved by invoking its API's REAL Lambda handler (each in its own
 * worker, ./resolver-host.ts) with an AppSync-shaped direct-resolver event.
 *
 * What is mimicked (and what is not):
 * - The Lambda boundary: the handler's result is JSON round-tripped; a thrown error only carries
 *   `errorType` (= error.name) and `errorMessage` (= error.message) across, like the Lambda runtime.
 * - Error shape: a resolver error carries AppSync's top-level `errorType`, `data` and `errorInfo` as
 *   well as the spec's `extensions.errorType` (./README.md, "Errors"); validation and parse errors
 *   keep graphql-http's format (400 with `accept: application/graphql-response+json`, 200 otherwise).
 * - The event: `identity` is a fixed IAM-like identity (no SigV4 is checked locally), `request.headers`
 *   are the incoming headers plus `x-amzn-requestid`, which is also sent back as a response header.
 * - Limits: the API's queryDepthLimit and resolverCountLimit (lib/runtime/graphql-resolver/
 *   graphql-limits.ts) as validation rules, so a query over either never reaches the resolver, and a
 *   request-body cap (413). The error messages are ours; AppSync's wording differs.
 * - Not mimicked: authorization, AppSync's 30 s resolver timeout, caching, batching, one Lambda
 *   environment per concurrent invocation (here all invocations of one API share one worker and one agent).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppSyncIdentityIAM } from 'aws-lambda';
import { GraphQLError, GraphQLResolveInfo, Kind, SelectionSetNode, ValidationRule, buildSchema, print } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { MAX_GRAPHQL_BODY_BYTES, QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../lib/runtime/graphql-resolver/graphql-limits';
import type { ResolverEvent } from '../../lib/runtime/graphql-resolver/src/handler';
import { HopLog } from './hop-log';

export const GRAPHQL_PATH = '/graphql';

/** The resolver of one Query field: its API's name and its Lambda handler (across the Lambda boundary). */
export interface FieldResolver {
  readonly api: string;
  readonly invoke: (event: ResolverEvent) => Promise<unknown>;
}

export interface GraphqlServerOptions {
  readonly host: string;
  readonly port: number;
  readonly hopLog: HopLog;
  /** The schema (SDL), as the consumer's AppSync API has it. */
  readonly schema: string;
  /** Every Query field's resolver, by field name. */
  readonly resolvers: ReadonlyMap<string, FieldResolver>;
  /** The consumer's account, in the event's IAM identity. */
  readonly callerAccount: string;
}

export type GraphqlServer = Awaited<ReturnType<typeof startGraphqlServer>>;

type RequestInfo = {
  readonly requestId: string;
  readonly headers: Record<string, string>;
  readonly sourceIp: string;
  readonly fields: string[];
  errors: number;
};

/** graphql-http needs a type alias (not an interface) for its context type. */
type GraphqlContext = { readonly request: RequestInfo };

type Fragments = (name: string) => { readonly selectionSet: SelectionSetNode } | null | undefined;

/**
 * What a selection set asks for, with fragments expanded (each fragment once per path, so a cycle,
 * which graphql-js reports separately, cannot loop): AppSync's `selectionSetList` (field paths
 * joined by '/', aliases used where given), its depth, and its fields other than introspection.
 */
function walk(set: SelectionSetNode | undefined, fragment: Fragments, prefix = '', seen: ReadonlySet<string> = new Set()) {
  const result = { paths: [] as string[], depth: 0, fields: 0 };
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      const name = selection.alias?.value ?? selection.name.value;
      const inner = walk(selection.selectionSet, fragment, `${prefix}${name}/`, seen);
      result.paths.push(prefix + name, ...inner.paths);
      result.depth = Math.max(result.depth, 1 + inner.depth);
      if (!selection.name.value.startsWith('__')) result.fields += 1;
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value)) continue;
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? walk(selection.selectionSet, fragment, prefix, seen)
        : walk(fragment(selection.name.value)?.selectionSet, fragment, prefix, new Set([...seen, selection.name.value]));
    result.paths.push(...inner.paths);
    result.depth = Math.max(result.depth, inner.depth);
    result.fields += inner.fields;
  }
  return result;
}

/** AppSync's queryDepthLimit and resolverCountLimit, as a graphql-js validation rule. */
const requestLimits: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    // Every Query field except introspection is a Lambda resolver: count them (aliases included).
    const { depth, fields: resolvers } = walk(operation.selectionSet, (name) => context.getFragment(name));
    if (depth > QUERY_DEPTH_LIMIT) {
      context.reportError(new GraphQLError(`Query depth ${depth} exceeds the limit of ${QUERY_DEPTH_LIMIT}.`, { nodes: operation }));
    }
    if (operation.operation === 'query' && resolvers > RESOLVER_COUNT_LIMIT) {
      const message = `Query invokes ${resolvers} resolvers; the limit is ${RESOLVER_COUNT_LIMIT}.`;
      context.reportError(new GraphQLError(message, { nodes: operation }));
    }
  },
});

function buildEvent(args: Record<string, unknown>, request: RequestInfo, info: GraphQLResolveInfo, account: string): ResolverEvent {
  const selectionSet = info.fieldNodes[0]?.selectionSet;
  const paths = info.fieldNodes.flatMap((node) => walk(node.selectionSet, (name) => info.fragments[name]).paths);
  // With plain IAM auth AppSync sends null for the Cognito fields (the type says string).
  const identity = {
    accountId: account,
    cognitoIdentityAuthProvider: null,
    cognitoIdentityAuthType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    sourceIp: [request.sourceIp],
    userArn: `arn:aws:sts::${account}:assumed-role/local-dev/npm-start`,
    username: 'AROALOCALDEVEXAMPLE:npm-start',
  } as unknown as AppSyncIdentityIAM;
  return {
    // JSON round trip: graphql-js argument objects have a null prototype; AppSync sends JSON.
    arguments: JSON.parse(JSON.stringify(args)) as ResolverEvent['arguments'],
    identity,
    source: null,
    request: { headers: { ...request.headers }, domainName: null },
    prev: null,
    stash: {},
    info: {
      fieldName: info.fieldName,
      parentTypeName: info.parentType.name,
      variables: { ...info.variableValues },
      selectionSetList: [...new Set(paths)],
      selectionSetGraphQL: selectionSet ? print(selectionSet) : '',
    },
  };
}

/** The api-client's error details (code, phase, HTTP status) and the cause, for the hop log. */
function describeFailure(err: unknown): string {
  const { details: d = {}, cause } = (err ?? {}) as { details?: Record<string, unknown>; cause?: { message?: unknown } };
  const parts = [d.code, d.phase && `during ${d.phase}`, d.statusCode && `HTTP ${d.statusCode}`];
  if (cause?.message) parts.push(`cause: ${cause.message}`);
  return parts.some(Boolean) ? ` (${parts.filter(Boolean).join(', ')})` : '';
}

function compactArgs(args: Record<string, unknown>): string {
  const text = Object.entries(args).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

const ms = (since: bigint): string => `${(Number(process.hrtime.bigint() - since) / 1e6).toFixed(1)}ms`;

/**
 * Refuses a body over MAX_GRAPHQL_BODY_BYTES: at once from Content-Length, or when streamed bytes
 * pass it (graphql-http buffers the whole body as a string otherwise). Returns true when refused.
 */
function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const refuse = (): true => {
    const body = JSON.stringify({ errors: [{ message: `Request body exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes.` }] });
    res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(body);
    return true;
  };
  if (Number(req.headers['content-length'] ?? 0) > MAX_GRAPHQL_BODY_BYTES) return refuse();
  let received = 0;
  const count = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > MAX_GRAPHQL_BODY_BYTES && !res.headersSent) {
      req.off('data', count);
      req.pause();
      refuse();
    }
  };
  req.on('data', count);
  return false;
}

export async function startGraphqlServer(options: GraphqlServerOptions) {
  const { hopLog } = options;
  const schema = buildSchema(options.schema);
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error('the schema has no Query type');
  const fields = Object.keys(queryType.getFields());
  const unresolved = fields.filter((f) => !options.resolvers.has(f));
  if (unresolved.length > 0) throw new Error(`no resolver for Query field(s) ${unresolved.join(', ')}`);

  /** HTTP requests answered on /graphql, Lambda handler invocations, and those that threw. */
  const counts = { graphqlRequests: 0, resolverInvocations: 0, resolverErrors: 0 };
  const requestInfo = new WeakMap<http.IncomingMessage, RequestInfo>();

  /** A Query field backed by the direct Lambda resolver (graphql-js calls rootValue functions). */
  const lambdaResolver =
    (fieldName: string, { api, invoke }: FieldResolver) =>
    async (args: Record<string, unknown>, { request }: GraphqlContext, info: GraphQLResolveInfo): Promise<unknown> => {
      const started = process.hrtime.bigint();
      const event = buildEvent(args, request, info, options.callerAccount);
      const label = `${info.parentType.name}.${fieldName}(${compactArgs(event.arguments as Record<string, unknown>)})`;
      request.fields.push(fieldName);
      counts.resolverInvocations += 1;
      try {
        const payload = await invoke(event); // JSON round-tripped, as across the Lambda boundary
        hopLog.line('resolver', `${label} -> ok ${ms(started)}`, request.requestId, api);
        return payload;
      } catch (err) {
        counts.resolverErrors += 1;
        // What crosses the Lambda boundary when the handler throws: its name and message only.
        const errorType = err instanceof Error ? err.name : 'Lambda:Unhandled';
        const errorMessage = err instanceof Error ? err.message : String(err);
        hopLog.line('resolver', `${label} -> ${errorType}: ${errorMessage}${describeFailure(err)} ${ms(started)}`, request.requestId, api);
        throw new GraphQLError(errorMessage, { extensions: { errorType } });
      }
    };

  const rootValue = Object.fromEntries(fields.map((fieldName) => [fieldName, lambdaResolver(fieldName, options.resolvers.get(fieldName)!)]));

  const handle = createHandler<GraphqlContext>({
    schema,
    rootValue,
    // Added to graphql-js's specifiedRules, which graphql-http always runs.
    validationRules: [requestLimits],
    context: (req) => ({ request: requestInfo.get(req.raw)! }), // set by the server below before graphql-http runs
    onOperation: (_req, args, result) => {
      (args.contextValue as GraphqlContext).request.errors = result.errors?.length ?? 0;
      // Resolver errors as AppSync serialises them: errorType, data and errorInfo at the top level.
      const errors = result.errors?.map((e) =>
        typeof e.extensions.errorType === 'string' ? { ...e.toJSON(), errorType: e.extensions.errorType, data: null, errorInfo: null } : e,
      );
      // graphql-http serialises the errors as they are; plain objects are what AppSync's look like.
      return errors ? { ...result, errors: errors as GraphQLError[] } : result;
    },
  });

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '/').split('?')[0];
    const requestId = randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    if (path !== GRAPHQL_PATH) {
      const body = JSON.stringify({ errors: [{ message: `Not found: use POST ${GRAPHQL_PATH}` }] });
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      hopLog.line('graphql', `${req.method} ${path.slice(0, 100)} 404 ${ms(started)}`);
      return;
    }
    counts.graphqlRequests += 1;
    if (tooLarge(req, res)) {
      hopLog.line('graphql', `${req.method} ${path} 413 ${ms(started)}`);
      return;
    }
    const headers = Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]);
    const info: RequestInfo = {
      requestId,
      headers: { ...Object.fromEntries(headers), 'x-amzn-requestid': requestId },
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      fields: [],
      errors: 0,
    };
    requestInfo.set(req, info);
    hopLog.begin(requestId);
    res.once('close', () => {
      const what = info.fields.length > 0 ? ` ${info.fields.join(',')}` : '';
      const errors = info.errors > 0 ? ` errors=${info.errors}` : '';
      hopLog.end(requestId, `${req.method} ${path} ${res.statusCode}${what}${errors} ${ms(started)}`);
    });
    void handle(req, res);
  });

  await once(server.listen(options.port, options.host), 'listening');

  return {
    port: (server.address() as AddressInfo).port,
    stats: () => ({ ...counts }),
    /** Stops accepting, closes idle connections, gives in-flight requests a second, then destroys the rest. */
    close: async () => {
      const timer = setTimeout(() => server.closeAllConnections(), 1_000);
      await new Promise((resolve) => server.close(resolve)); // closes idle connections at once (Node >= 19)
      clearTimeout(timer);
    },
  };
}
