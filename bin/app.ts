#!/usr/bin/env node
// The only file that reads the process environment or CDK context.
import 'source-map-support/register';
import { buildApp } from '../lib/app';
import { loadConfig } from '../lib/config/load';
import { ConfigError } from '../lib/config/errors';

/**
 * `-c config=path/to/config.json` swaps in a JSON configuration (see config/example.json and
 * config.schema.json); without it the typed example in lib/config/environments.ts is used.
 */
const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>;

try {
  const config = loadConfig(typeof context.config === 'string' ? context.config : undefined);
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
