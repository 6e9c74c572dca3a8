/**
 * What the tools' command lines share: `node:util` parseArgs with a usage text in its errors,
 * and the `--config <file>` option, the same JSON file `npx cdk synth -c config=<file>` takes,
 * read through the same loader (lib/config/load.ts).
 */
import { parseArgs, ParseArgsConfig } from 'node:util';
import { loadConfig } from '../../lib/config/load';
import { AppConfig } from '../../lib/config/types';
import { ConfigError } from '../../lib/config/errors';

/** The option's declaration for `node:util` parseArgs. */
export const CONFIG_OPTION = { config: { type: 'string' } } as const;

/** One line for a script's usage text. */
export const CONFIG_USAGE = '--config FILE   a JSON configuration (as for `npx cdk synth -c config=FILE`); default: lib/config/environments.ts';

/** Where a script writes its lines: stdout and stderr, or a test's arrays. */
export const STDIO = { out: (line: string) => console.log(line), err: (line: string) => console.error(line) };

/**
 * A script's body run for its exit code: what it returns, else 0. A configuration mistake is printed
 * as it is, without a stack trace (as bin/app.ts does), exit 1; anything else thrown as
 * `error: <message>`, exit 2 for a UsageError, else 1.
 */
export function runScript(io: typeof STDIO, body: () => number | void): number {
  try {
    return body() ?? 0;
  } catch (error) {
    io.err(error instanceof ConfigError ? error.message : `error: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

/** The configuration for a script, or exit 1 printing the configuration mistake (as {@link runScript} does). */
export function configOrExit(path: string | undefined): AppConfig {
  try {
    return loadConfig(path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

/** `node:util` parseArgs (strict), whose errors read "unknown option '--x'" followed by `usage`. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config); // strict by default: unknown options are errors
  } catch (error) {
    const message = (error as Error).message;
    throw new UsageError(`${message.charAt(0).toLowerCase()}${message.slice(1)}\n${usage}`);
  }
}

/** A command-line mistake: the script prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An integer option's value, or a UsageError naming the option and the range. */
export function intOption(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}
