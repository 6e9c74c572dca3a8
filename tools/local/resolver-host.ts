/**
 * One API's resolver for the local stack: its Lambda entry bundled with ./resolver-worker.ts and
 * run in a worker thread whose process.env is exactly that API's resolver environment (what its
 * function's environment holds in AWS). Why a worker rather than one client per API in this
 * thread: the resolver client keeps its configuration, agent and caller-token cache in module
 * state read from process.env (as a Lambda execution environment should), so a second API in the
 * same module instance would need a second code path the Lambda never runs. A worker runs the
 * deployed code path unchanged.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { bundle } from './bundle';
import type { CrossedError, HostMessage, WorkerMessage } from './resolver-worker';

export interface ResolverHostOptions {
  /** The API's name (`apis[].name`), for the bundle's file name and errors. */
  readonly api: string;
  /** The resolver's entry (the API runtime's `graphql.resolver`). */
  readonly entry: string;
  /** The worker's whole process.env: the API's resolver environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Where the bundle is written. */
  readonly bundleDir: string;
}

/** A handler's failure as the Lambda runtime reports it (name, message), with its details for the hop log. */
export class ResolverInvocationError extends Error {
  readonly details?: Record<string, unknown>;
  override readonly cause?: { readonly message: string };
  constructor(crossed: CrossedError) {
    super(crossed.message);
    this.name = crossed.name;
    this.details = crossed.details;
    this.cause = crossed.cause === undefined ? undefined : { message: crossed.cause };
  }
}

export type ResolverHost = Awaited<ReturnType<typeof startResolverHost>>;

const WORKER = join(__dirname, 'resolver-worker.ts');

export async function startResolverHost(options: ResolverHostOptions) {
  const file = await bundle(
    {
      name: `resolver-${options.api}.ts`,
      contents: `import { handler } from ${JSON.stringify(options.entry)};\nimport { serveResolver } from ${JSON.stringify(WORKER)};\nserveResolver(handler);\n`,
    },
    join(options.bundleDir, `resolver-${options.api}.js`),
  );
  // No inherited execArgv: `npm start`'s TypeScript loader has nothing to do in a bundle.
  const worker = new Worker(file, { env: { ...options.env }, execArgv: ['--enable-source-maps'] });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  let nextId = 0;
  let connectionsOpened = 0;
  let exited = false;
  let onStopped: (() => void) | undefined;
  const failAll = (err: Error): void => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const ready = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'ready':
          connectionsOpened = message.connectionsOpened;
          resolve();
          break;
        case 'fatal':
          reject(new ResolverInvocationError(message.error));
          break;
        case 'console':
          console[message.level](message.line);
          break;
        case 'stopped':
          connectionsOpened = message.connectionsOpened;
          onStopped?.();
          break;
        default: {
          connectionsOpened = message.connectionsOpened;
          const p = pending.get(message.id);
          pending.delete(message.id);
          if (message.type === 'result') p?.resolve(message.result);
          else p?.reject(new ResolverInvocationError(message.error));
        }
      }
    });
    worker.on('error', (err) => {
      reject(err);
      failAll(err);
    });
    worker.on('exit', (code) => {
      exited = true;
      const err = new Error(`the ${options.api} resolver's worker exited (code ${code})`);
      reject(err);
      failAll(err);
    });
  });
  await ready.catch(async (err: Error) => {
    await worker.terminate();
    throw new Error(`the ${options.api} resolver did not start: ${err.name}: ${err.message}`);
  });

  let stopping: Promise<void> | undefined;
  return {
    /** Invokes the handler with `event`; rejects with a ResolverInvocationError when it throws. */
    invoke: (event: unknown): Promise<unknown> =>
      new Promise((resolve, reject) => {
        if (exited || stopping) return reject(new Error(`the ${options.api} resolver is stopped`));
        const id = (nextId += 1);
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'invoke', id, event } satisfies HostMessage);
      }),
    /** TLS connections the resolver's agent opened (as of its last answer; kept after stop). */
    connectionsOpened: (): number => connectionsOpened,
    /** Drops the resolver's pooled connections and ends the worker. Idempotent. */
    stop: (): Promise<void> =>
      (stopping ??= (async () => {
        if (exited) return;
        const stopped = new Promise<void>((resolve) => (onStopped = resolve));
        worker.postMessage({ type: 'stop' } satisfies HostMessage);
        await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
        await worker.terminate();
      })()),
  };
}
