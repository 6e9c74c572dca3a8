/**
 * The app as bin/app.ts builds it, from the configuration file in `CDK_CONTEXT_JSON`'s `config`,
 * without bin/app.ts's check that cdk.json commits that file: the scaling sections synthesize
 * generated configurations that no cdk.json names (the check guards deploys, it costs nothing).
 * Bundled into the floor beside bin/app.js.
 */
import 'source-map-support/register';
import { buildApp } from '../../lib/app';
import { loadConfig } from '../../lib/config/load';

const context = JSON.parse(process.env.CDK_CONTEXT_JSON ?? '{}') as Record<string, unknown>;
buildApp(loadConfig(typeof context.config === 'string' ? context.config : undefined)).app.synth();
