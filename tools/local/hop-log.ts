/**
 * One concise line per hop per request, printed in path order:
 *
 *   graphql               POST /graphql 200 item,stockLevel 3.1ms rid=58aec42a
 *   resolver@catalogue    Query.item(id: "item-0001") -> ok 2.4ms rid=58aec42a
 *   resolver@stock        Query.stockLevel(itemId: "item-0001") -> ok 2.6ms rid=58aec42a
 *   tls-front@catalogue   conn#1 GET /v1/items/item-0001 -> tcp 127.0.0.1:8080 rid=58aec42a
 *   tls-front@stock       conn#1 GET /v1/stock/item-0001 -> tcp 127.0.0.1:8081 rid=58aec42a
 *   api-service@catalogue GET /v1/items/item-0001 200 0.3ms rid=58aec42a
 *   api-service@stock     GET /v1/stock/item-0001 200 0.2ms rid=58aec42a
 *
 * (With `--connectivity lattice` a `lattice` line, the Lattice stand-in's, replaces `tls-front`.)
 * Every hop but `graphql` belongs to one API and is labelled `<hop>@<api>`: each API has its own
 * resolver, front and service, so the label says which one a request went through.
 *
 * Every hop only knows its own part when it finishes (inner hops finish first), so lines that carry
 * the request id of a GraphQL request still in flight are held back and written, sorted by hop,
 * right after that request's `graphql` line. The request id travels as AppSync's
 * `x-amzn-requestid` -> the handler's `x-request-id` -> the api-service's log. Lines without a
 * request id (TLS handshakes, connection events) and lines of requests that did not come through
 * the GraphQL endpoint are written at once.
 */
const PATH_ORDER = ['graphql', 'resolver', 'tls-front', 'lattice', 'api-service'] as const;
type Hop = (typeof PATH_ORDER)[number];

/** The first 8 characters of a request id: enough to correlate the lines of one request. */
const shortId = (id: string): string => id.slice(0, 8);

export class HopLog {
  private readonly pending = new Map<string, Array<{ hop: Hop; label: string; text: string }>>();

  /** `labelWidth`: the hop column's width (the longest `<hop>@<api>` of the stack). */
  constructor(private readonly write: (line: string) => void, private readonly labelWidth = 11) {}

  /** Starts holding back lines for `requestId` (called when a GraphQL request arrives). */
  begin(requestId: string): void {
    this.pending.set(requestId, []);
  }

  /** A hop's line (of API `api`); held back while the GraphQL request `requestId` is in flight. */
  line(hop: Hop, text: string, requestId?: string, api?: string): void {
    const full = requestId === undefined ? text : `${text} rid=${shortId(requestId)}`;
    const label = api === undefined ? hop : `${hop}@${api}`;
    const held = requestId === undefined ? undefined : this.pending.get(requestId);
    if (held) held.push({ hop, label, text: full });
    else this.emit(label, full);
  }

  /** Writes the request's `graphql` line, then its held-back lines in path order. */
  end(requestId: string, text: string): void {
    const held = this.pending.get(requestId) ?? [];
    this.pending.delete(requestId);
    this.emit('graphql', `${text} rid=${shortId(requestId)}`);
    // A stable sort: lines of one hop keep their order.
    for (const h of held.sort((a, b) => PATH_ORDER.indexOf(a.hop) - PATH_ORDER.indexOf(b.hop))) this.emit(h.label, h.text);
  }

  private emit(label: string, text: string): void {
    this.write(`${label.padEnd(this.labelWidth)} ${text}`);
  }
}
