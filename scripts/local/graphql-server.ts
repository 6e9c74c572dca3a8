/**
 * Local stand-in for AppSync: graphql-http on node:http executing the SAME schema file as AppSync
 * (`lib/runtime/graphql-resolver/schema.graphql`), with every `Query` field resolved by invoking
 * the REAL Lambda handler (`lib/runtime/graphql-resolver/src/handler.ts`) with an AppSync-shaped
 * direct-resolver event.
 *
 * What is mimicked (and what is not):
 * - The Lambda boundary: the handler's result is JSON round-tripped; a thrown error only carries
 *   `errorType` (= error.name) and `errorMessage` (= error.message) across, like the Lambda runtime.
 * - Error shape: AppSync puts `errorType` (and `data`, `errorInfo`) at the top level of each error.
 *   graphql-js serialises errors as `{ message, locations, path, extensions }`; here resolver errors
 *   are serialised as `{ message, locations, path, extensions: { errorType }, errorType, data: null,
 *   errorInfo: null }`, i.e. AppSync's top-level fields plus the spec-compliant `extensions`.
 *   AppSync's `locations[].sourceName: null` is not reproduced. Validation/parse errors keep
 *   graphql-http's format (400 with `accept: application/graphql-response+json`, 200 otherwise).
 * - The event: `identity` is a fixed IAM-like identity (no SigV4 is checked locally), `request.headers`
 *   are the incoming headers plus `x-amzn-requestid`, which is also sent back as a response header.
 * - Limits: the API's queryDepthLimit and resolverCountLimit (lib/runtime/graphql-resolver/
 *   graphql-limits.ts) as validation rules, so a query over either never reaches the resolver, and a
 *   request-body cap (413). The error messages are ours; AppSync's wording differs.
 * - Not mimicked: authorization, AppSync's 30 s resolver timeout, caching, batching, one Lambda
 *   environment per concurrent invocation (here all invocations share one process and one agent).
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AppSyncIdentityIAM } from 'aws-lambda';
import { GraphQLError, GraphQLResolveInfo, Kind, SelectionSetNode, ValidationContext, ValidationRule, buildSchema, print } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import { MAX_GRAPHQL_BODY_BYTES, QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT } from '../../lib/runtime/graphql-resolver/graphql-limits';
import { ResolverEvent, handler as lambdaHandler } from '../../lib/runtime/graphql-resolver/src/handler';
import { HopLog } from './hop-log';

export const SCHEMA_FILE = join(__dirname, '..', '..', 'lib', 'runtime', 'graphql-resolver', 'schema.graphql');
export const GRAPHQL_PATH = '/graphql';

/** Account of the first consumer of the example config's first environment (storefront, dev). */
const LOCAL_CALLER_ACCOUNT = '555555555555';

export interface GraphqlServerOptions {
  readonly host: string;
  readonly port: number;
  readonly hopLog: HopLog;
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

/** AppSync's `info.selectionSetList`: field paths joined by '/', aliases used where given. */
export function selectionSetList(info: GraphQLResolveInfo): string[] {
  const out: string[] = [];
  const walk = (set: SelectionSetNode | undefined, prefix: string): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        out.push(prefix + name);
        walk(selection.selectionSet, `${prefix}${name}/`);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, prefix);
      } else {
        walk(info.fragments[selection.name.value]?.selectionSet, prefix);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet, '');
  return [...new Set(out)];
}

/**
 * The depth of a selection set and the number of its top-level fields other than introspection,
 * with fragments expanded (each fragment once per path, so a cycle, which graphql-js reports
 * separately, cannot loop).
 */
function measure(set: SelectionSetNode | undefined, context: ValidationContext, seen: ReadonlySet<string> = new Set()): { depth: number; fields: number } {
  let depth = 0;
  let fields = 0;
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      depth = Math.max(depth, 1 + measure(selection.selectionSet, context, seen).depth);
      if (!selection.name.value.startsWith('__')) fields += 1;
      continue;
    }
    if (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value)) continue;
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? measure(selection.selectionSet, context, seen)
        : measure(context.getFragment(selection.name.value)?.selectionSet, context, new Set([...seen, selection.name.value]));
    depth = Math.max(depth, inner.depth);
    fields += inner.fields;
  }
  return { depth, fields };
}

/** AppSync's queryDepthLimit and resolverCountLimit, as a graphql-js validation rule. */
function requestLimits(depthLimit: number, resolverLimit: number): ValidationRule {
  return (context) => ({
    OperationDefinition(operation) {
      // Every Query field except introspection is a Lambda resolver: count them (aliases included).
      const { depth, fields: resolvers } = measure(operation.selectionSet, context);
      if (depth > depthLimit) {
        context.reportError(new GraphQLError(`Query depth ${depth} exceeds the limit of ${depthLimit}.`, { nodes: operation }));
      }
      if (operation.operation === 'query' && resolvers > resolverLimit) {
        context.reportError(new GraphQLError(`Query invokes ${resolvers} resolvers; the limit is ${resolverLimit}.`, { nodes: operation }));
      }
    },
  });
}

function buildEvent(args: Record<string, unknown>, request: RequestInfo, info: GraphQLResolveInfo): ResolverEvent {
  const selectionSet = info.fieldNodes[0]?.selectionSet;
  // With plain IAM auth AppSync sends null for the Cognito fields (the type says string).
  const identity = {
    accountId: LOCAL_CALLER_ACCOUNT,
    cognitoIdentityAuthProvider: null,
    cognitoIdentityAuthType: null,
    cognitoIdentityId: null,
    cognitoIdentityPoolId: null,
    sourceIp: [request.sourceIp],
    userArn: `arn:aws:sts::${LOCAL_CALLER_ACCOUNT}:assumed-role/local-dev/npm-start`,
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
      selectionSetList: selectionSetList(info),
      selectionSetGraphQL: selectionSet ? print(selectionSet) : '',
    },
  };
}

function describeFailure(err: unknown): string {
  const e = err as { details?: Record<string, unknown>; cause?: { message?: unknown } } | undefined;
  const parts: string[] = [];
  const code = e?.details?.code;
  const phase = e?.details?.phase;
  const status = e?.details?.statusCode;
  if (typeof code === 'string') parts.push(code);
  if (typeof phase === 'string') parts.push(`during ${phase}`);
  if (typeof status === 'number') parts.push(`HTTP ${status}`);
  if (typeof e?.cause?.message === 'string') parts.push(`cause: ${e.cause.message}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function compactArgs(args: Record<string, unknown>): string {
  const text = Object.entries(args)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

function ms(since: bigint): string {
  return `${(Number(process.hrtime.bigint() - since) / 1e6).toFixed(1)}ms`;
}

/**
 * Refuses a body over MAX_GRAPHQL_BODY_BYTES: at once from Content-Length, or when streamed bytes
 * pass it (graphql-http buffers the whole body as a string otherwise). Returns true when refused.
 */
function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const refuse = (): void => {
    const body = JSON.stringify({ errors: [{ message: `Request body exceeds ${MAX_GRAPHQL_BODY_BYTES} bytes.` }] });
    res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(body);
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_GRAPHQL_BODY_BYTES) {
    refuse();
    return true;
  }
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
  const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
  const queryType = schema.getQueryType();
  if (!queryType) throw new Error(`${SCHEMA_FILE} has no Query type`);

  let requests = 0;
  let invocations = 0;
  let invocationErrors = 0;
  const requestInfo = new WeakMap<http.IncomingMessage, RequestInfo>();

  /** A Query field backed by the direct Lambda resolver (graphql-js calls rootValue functions). */
  const lambdaResolver =
    (fieldName: string) =>
    async (args: Record<string, unknown>, context: GraphqlContext, info: GraphQLResolveInfo): Promise<unknown> => {
      const { request } = context;
      const started = process.hrtime.bigint();
      const event = buildEvent(args, request, info);
      const label = `${info.parentType.name}.${fieldName}(${compactArgs(event.arguments as Record<string, unknown>)})`;
      request.fields.push(fieldName);
      invocations += 1;
      try {
        const result = await lambdaHandler(event);
        const payload: unknown = JSON.parse(JSON.stringify(result)); // the Lambda response boundary
        hopLog.line('resolver', `${label} -> ok ${ms(started)}`, request.requestId);
        return payload;
      } catch (err) {
        invocationErrors += 1;
        // What crosses the Lambda boundary when the handler throws: its name and message only.
        const errorType = err instanceof Error ? err.name : 'Lambda:Unhandled';
        const errorMessage = err instanceof Error ? err.message : String(err);
        hopLog.line('resolver', `${label} -> ${errorType}: ${errorMessage}${describeFailure(err)} ${ms(started)}`, request.requestId);
        throw new GraphQLError(errorMessage, { extensions: { errorType } });
      }
    };

  const rootValue = Object.fromEntries(Object.keys(queryType.getFields()).map((fieldName) => [fieldName, lambdaResolver(fieldName)]));

  const handle = createHandler<GraphqlContext>({
    schema,
    rootValue,
    // Added to graphql-js's specifiedRules, which graphql-http always runs.
    validationRules: [requestLimits(QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT)],
    context: (req) => {
      const request = requestInfo.get(req.raw);
      if (!request) throw new Error('request info missing');
      return { request };
    },
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
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    const requestId = randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    if (path !== GRAPHQL_PATH) {
      const body = JSON.stringify({ errors: [{ message: `Not found: use POST ${GRAPHQL_PATH}` }] });
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(body);
      hopLog.line('graphql', `${req.method} ${path.slice(0, 100)} 404 ${ms(started)}`);
      return;
    }
    requests += 1;
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
    /** HTTP requests answered on /graphql, Lambda handler invocations, and those that threw. */
    stats: () => ({ requests, invocations, invocationErrors }),
    /** Stops accepting, closes idle connections, gives in-flight requests a second, then destroys the rest. */
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), 1_000);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
