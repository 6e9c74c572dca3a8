#!/usr/bin/env node
// The only file that reads the process environment or CDK context.
import 'source-map-support/register';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../lib/app';
import { loadConfig } from '../lib/config/load';
import { ConfigError } from '../lib/config/errors';
import { committedConfigPath } from '../lib/pipeline/committed-config';

/**
 * cdk.json's `"config": "path/to/config.json"` (committed) swaps in a JSON configuration (see
 * config/example.json and config.schema.json); without it the typed example in
 * lib/config/environments.ts is used. `-c config=` may only repeat the committed path.
 */
const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>;
const cdkJson = JSON.parse(readFileSync(join(__dirname, '..', 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };

try {
  // The file's own mistakes first (they say more), then whether the repository commits it.
  const config = loadConfig(typeof context.config === 'string' ? context.config : undefined);
  committedConfigPath(context, cdkJson.context ?? {});
  // `-c compliance=full` (npm run validate) adds NIST 800-53 R5 and cfn-guard to AwsSolutions.
  const { app } = buildApp(config, undefined, context.compliance === 'full' ? 'full' : 'standard');
  app.synth();
} catch (error) {
  if (error instanceof ConfigError) {
    // A configuration mistake: its message says what and how to fix it; a stack trace would
    // only bury that. Exit before app.synth(): no half-built cloud assembly is written.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
