#!/usr/bin/env node
// The only file that reads the process environment or CDK context.
import 'source-map-support/register';
import { readFileSync } from 'node:fs';
import { buildApp } from '../lib/app';
import { exampleConfig } from '../lib/config/environments';
import { AppConfig } from '../lib/config/types';
import { ConfigValidationError } from '../lib/config/validate';

/**
 * `-c config=path/to/config.json` swaps in another configuration (same shape as AppConfig);
 * without it the committed example in lib/config/environments.ts is used.
 */
const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>;

function loadConfig(): AppConfig {
  const path = context.config;
  if (typeof path !== 'string' || path === '') return exampleConfig;
  return JSON.parse(readFileSync(path, 'utf8')) as AppConfig;
}

try {
  // `-c compliance=full` (npm run validate) adds NIST 800-53 R5 and cfn-guard to AwsSolutions.
  const { app } = buildApp(loadConfig(), undefined, context.compliance === 'full' ? 'full' : 'standard');
  app.synth();
} catch (error) {
  if (error instanceof ConfigValidationError) {
    // Exit before app.synth(): no half-built cloud assembly is written.
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
