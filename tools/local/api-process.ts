/**
 * One API's service for the local stack: its runtime folder's process entry (`src/main.ts`, what
 * its Dockerfile bundles to `dist/main.js` and the container runs) bundled the same way and run as
 * its own node process, configured through the environment as its ECS task is (PORT, HOST,
 * CALLERS, API_NAME, and STS_* or CALLER_IDENTITY_SOURCE=lattice). Its JSON log lines are handed
 * to `onLog`; stopping it sends SIGTERM, which drains it as ECS's stop does.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { bundle } from './bundle';

export interface ApiProcessOptions {
  /** The API's name (`apis[].name`), for the bundle's file name and errors. */
  readonly api: string;
  /** The API's runtime folder (absolute). */
  readonly runtimeDir: string;
  /** The service's environment besides PORT and HOST. */
  readonly env: Readonly<Record<string, string>>;
  readonly host: string;
  /** 0 picks a free one. */
  readonly port: number;
  readonly bundleDir: string;
  /** Each line the service writes (JSON, one object a line). */
  readonly onLog: (line: string) => void;
}

/** The service could not listen: `code` is Node's (EADDRINUSE, EACCES) when it says so. */
export class ApiListenError extends Error {
  override readonly name = 'ApiListenError';
  constructor(message: string, readonly code: string | undefined) {
    super(message);
  }
}

export type ApiProcess = Awaited<ReturnType<typeof startApiProcess>>;

/** Bounds the drain on stop: the fronts have already closed their connections to it by then. */
const STOP_DRAIN_MS = 2_000;

export async function startApiProcess(options: ApiProcessOptions) {
  const entry = join(options.runtimeDir, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: the local stack runs each API's service from its runtime folder's src/main.ts`);
  const file = await bundle({ entry }, join(options.bundleDir, `service-${options.api}.js`));
  const child: ChildProcess = spawn(process.execPath, ['--enable-source-maps', file], {
    env: { ...options.env, PORT: String(options.port), HOST: options.host, DRAIN_TIMEOUT_MS: String(STOP_DRAIN_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const port = new Promise<number>((resolve, reject) => {
    const onLine = (line: string): void => {
      options.onLog(line);
      let rec: { msg?: unknown; port?: unknown; error?: unknown };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        return;
      }
      if (rec.msg === 'listening' && typeof rec.port === 'number') resolve(rec.port);
      if (rec.msg === 'listen failed' || rec.msg === 'invalid configuration') {
        const error = String(rec.error);
        reject(new ApiListenError(error, /\b(EADDRINUSE|EACCES)\b/.exec(error)?.[1]));
      }
    };
    for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream! }).on('line', onLine);
    void exited.then(([code, signal]) => reject(new Error(`the ${options.api} service exited before listening (${signal ?? `code ${code}`})`)));
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_DRAIN_MS + 1_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const listening = await port.catch(async (err: Error) => {
    await stop();
    throw err;
  });
  return { port: listening, pid: child.pid, stop };
}
