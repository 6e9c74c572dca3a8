/** What ./http.ts and ./http-server-child.ts exchange (no side effects: safe to import from both). */

export const SERVER_KINDS = ['hello', 'api', 'api-nolog', 'fastify'] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export type ChildMessage =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'usage'; readonly userMicros: number; readonly systemMicros: number; readonly maxRssKib: number }
  | { readonly type: 'error'; readonly message: string };
