import type { ResolverEvent } from '../../graphql-resolver/src/handler';
import { GRAPHQL_PREFIX_ENV } from '../../graphql-resolver/src/graphql-prefix';
import { handler } from '../graphql/resolver';

function event(fieldName: string, args: Record<string, unknown>): ResolverEvent {
  return { arguments: args, request: { headers: {} }, info: { parentTypeName: 'Query', fieldName } } as unknown as ResolverEvent;
}

/** The error's name: which check refused the call, before any request to the API. */
const refusal = (promise: Promise<unknown>) => promise.then(() => 'resolved', (err: Error) => err.name);

describe('the stock resolver recognises its field under its API\'s graphqlPrefix', () => {
  beforeEach(() => {
    for (const method of ['warn', 'error'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
  });
  afterEach(() => {
    delete process.env[GRAPHQL_PREFIX_ENV];
    jest.restoreAllMocks();
  });

  test('without a prefix: stockLevel is its field', async () => {
    expect(await refusal(handler(event('stockLevel', { itemId: 'not valid!' })))).toBe('BadRequest');
    expect(await refusal(handler(event('warehouseStockLevel', { itemId: 'not valid!' })))).toBe('UnsupportedField');
  });

  test('with GRAPHQL_PREFIX=warehouse: warehouseStockLevel is, and stockLevel no longer', async () => {
    process.env[GRAPHQL_PREFIX_ENV] = 'warehouse';
    expect(await refusal(handler(event('warehouseStockLevel', { itemId: 'not valid!' })))).toBe('BadRequest');
    expect(await refusal(handler(event('stockLevel', { itemId: 'not valid!' })))).toBe('UnsupportedField');
  });
});
