/**
 * The environment stages of a configuration synthesized in process into a temporary cloud
 * assembly, for the cost model to read: cdk.json's feature flags, no bundling, no pipeline (the
 * estimates are per environment), as tools/docs/main.ts's cost summary does. Used by
 * `npm run cost -- --platform` and by the config model's drift test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildStages } from '../../lib/app';
import { AppConfig } from '../../lib/config/types';
import { assertValidConfig } from '../../lib/config/validate';

/** Runs `use` on the assembly directory of `config`'s stages; the directory is removed after. */
export function withSynthesizedStages<T>(config: AppConfig, use: (assembly: string) => T): T {
  assertValidConfig(config);
  const outdir = mkdtempSync(join(tmpdir(), 'cost-synth-'));
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const context = { ...(require('../../cdk.json').context as Record<string, unknown>), 'aws:cdk:bundling-stacks': [] };
    const app = new App({ outdir, context, builtinCloudFormationValidation: false });
    buildStages(app, config);
    app.synth();
    return use(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
