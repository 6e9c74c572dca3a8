/** The part of autocannon@9's JS API used by ./http.ts (it ships no types); latencies in ms, 1 ms resolution. */
declare module 'autocannon' {
  interface Histogram { average: number; total: number; p50: number; p90: number; p99: number; max: number }
  interface Result { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number }
  function autocannon(options: { url: string; headers?: Record<string, string>; connections: number; duration: number; timeout: number }): Promise<Result>;
  export = autocannon;
}
