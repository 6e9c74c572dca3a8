import { EnvironmentConfig } from './types';

/** One problem in the configuration: where, what was found, and how to fix it. */
export interface ConfigProblem {
  /** Path of the offending field, e.g. `environments[dev].consumers[0].cidr`. */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What is wrong and what to do instead. */
  readonly fix: string;
}

/** How a rule reports a problem; rules report every problem they find and never throw. */
export type ReportProblem = (field: string, value: unknown, fix: string) => void;

/** `environments[dev]`: an environment's field path, by name (by index when it has none). */
export function environmentField(env: EnvironmentConfig, index: number): string {
  return `environments[${env.name || index}]`;
}

/**
 * A configuration mistake (unreadable file, JSON syntax, shape or meaning): entry points print
 * its message alone, without a stack trace, and exit non-zero before anything is synthesized.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Thrown with every problem found, not just the first. */
export class ConfigValidationError extends ConfigError {
  constructor(public readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'ConfigValidationError';
  }
}

/** `field: value -> fix`, one line. */
export function formatProblem(p: ConfigProblem): string {
  return p.value === undefined ? `${p.field} (missing): ${p.fix}` : `${p.field} = ${JSON.stringify(p.value)}: ${p.fix}`;
}
