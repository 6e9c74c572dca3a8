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
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { AppSyncIdentityIAM } from 'aws-lambda';
import {
  FragmentDefinitionNode,
  GraphQLError,
  GraphQLFormattedError,
  GraphQLResolveInfo,
  Kind,
  SelectionSetNode,
  ValidationRule,
  buildSchema,
  print,
  specifiedRules,
} from 'graphql';
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

export interface GraphqlServerStats {
  /** HTTP requests answered on /graphql. */
  readonly requests: number;
  /** Lambda handler invocations. */
  readonly invocations: number;
  /** Invocations that threw. */
  readonly invocationErrors: number;
}

export interface GraphqlServer {
  readonly server: http.Server;
  readonly port: number;
  stats(): GraphqlServerStats;
  /** Stops accepting, closes idle connections, gives in-flight requests `graceMs`, then destroys the rest. */
  close(graceMs?: number): Promise<void>;
}

type RequestInfo = {
  readonly requestId: string;
  readonly headers: Record<string, string>;
  readonly sourceIp: string;
  readonly fields: string[];
  errors: number;
};

/** graphql-http needs a type alias (not an interface) for its context type. */
type GraphqlContext = { readonly request: RequestInfo };

/** A resolver error serialised like AppSync: errorType at the top level (and in extensions). */
export class AppSyncStyleError extends GraphQLError {
  constructor(
    readonly errorType: string,
    from: GraphQLError,
  ) {
    super(from.message, {
      nodes: from.nodes,
      source: from.source,
      positions: from.positions,
      path: from.path,
      originalError: from.originalError,
      extensions: { ...from.extensions, errorType },
    });
  }

  override toJSON(): GraphQLFormattedError & { errorType: string; data: null; errorInfo: null } {
    return { ...super.toJSON(), errorType: this.errorType, data: null, errorInfo: null };
  }
}

/** What crosses the Lambda boundary when the handler throws. */
class LambdaFunctionError extends Error {
  readonly extensions: { errorType: string };
  constructor(errorType: string, errorMessage: string) {
    super(errorMessage);
    this.name = errorType;
    this.extensions = { errorType };
  }
}

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
 * Walks an operation's selections with fragments expanded (each fragment once per path, so a
 * cycle, which graphql-js reports separately, cannot loop) and folds them with `visit`.
 */
function foldSelections(
  set: SelectionSetNode | undefined,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  field: (selections: SelectionSetNode | undefined, name: string, recurse: (s: SelectionSetNode | undefined) => number) => number,
  combine: (values: number[]) => number,
  seen: ReadonlySet<string> = new Set(),
): number {
  const values = (set?.selections ?? []).map((selection) => {
    const recurse = (s: SelectionSetNode | undefined): number => foldSelections(s, fragments, field, combine, seen);
    if (selection.kind === Kind.FIELD) return field(selection.selectionSet, selection.name.value, recurse);
    if (selection.kind === Kind.INLINE_FRAGMENT) return recurse(selection.selectionSet);
    const name = selection.name.value;
    if (seen.has(name)) return 0;
    return foldSelections(fragments.get(name)?.selectionSet, fragments, field, combine, new Set([...seen, name]));
  });
  return combine(values);
}

/** AppSync's queryDepthLimit and resolverCountLimit, as graphql-js validation rules. */
export function requestLimitRules(depthLimit: number, resolverLimit: number): ValidationRule[] {
  return [
    (context) => ({
      OperationDefinition(operation) {
        const fragments = new Map<string, FragmentDefinitionNode>();
        for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
        const depth = foldSelections(operation.selectionSet, fragments, (sub, _name, recurse) => 1 + recurse(sub), (v) => Math.max(0, ...v));
        if (depth > depthLimit) {
          context.reportError(new GraphQLError(`Query depth ${depth} exceeds the limit of ${depthLimit}.`, { nodes: operation }));
        }
        // Every Query field except introspection is a Lambda resolver: count them (aliases included).
        const resolvers = foldSelections(operation.selectionSet, fragments, (_sub, name) => (name.startsWith('__') ? 0 : 1), (v) => v.reduce((a, b) => a + b, 0));
        if (operation.operation === 'query' && resolvers > resolverLimit) {
          context.reportError(new GraphQLError(`Query invokes ${resolvers} resolvers; the limit is ${resolverLimit}.`, { nodes: operation }));
        }
      },
    }),
  ];
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

export async function startGraphqlServer(options: GraphqlServerOptions): Promise<GraphqlServer> {
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
        const errorType = err instanceof Error ? err.name : 'Lambda:Unhandled';
        const errorMessage = err instanceof Error ? err.message : String(err);
        hopLog.line('resolver', `${label} -> ${errorType}: ${errorMessage}${describeFailure(err)} ${ms(started)}`, request.requestId);
        throw new LambdaFunctionError(errorType, errorMessage);
      }
    };

  const rootValue: Record<string, unknown> = {};
  for (const fieldName of Object.keys(queryType.getFields())) rootValue[fieldName] = lambdaResolver(fieldName);

  const handle = createHandler<GraphqlContext>({
    schema,
    rootValue,
    validationRules: [...specifiedRules, ...requestLimitRules(QUERY_DEPTH_LIMIT, RESOLVER_COUNT_LIMIT)],
    context: (req) => {
      const request = requestInfo.get(req.raw);
      if (!request) throw new Error('request info missing');
      return { request };
    },
    onOperation: (_req, args, result) => {
      (args.contextValue as GraphqlContext).request.errors = result.errors?.length ?? 0;
    },
    formatError: (err) => {
      const errorType = err instanceof GraphQLError ? err.extensions?.errorType : undefined;
      return err instanceof GraphQLError && typeof errorType === 'string' ? new AppSyncStyleError(errorType, err) : err;
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
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    headers['x-amzn-requestid'] = requestId;
    const info: RequestInfo = {
      requestId,
      headers,
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

  const address = await new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });

  return {
    server,
    port: address.port,
    stats: () => ({ requests, invocations, invocationErrors }),
    close: (graceMs = 1_000) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}
