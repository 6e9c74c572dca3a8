/**
 * The CDK context a bare `node bin/app.js` run needs to behave like `cdk synth`.
 *
 * The CLI hands the app its context in the CDK_CONTEXT_JSON environment variable: `cdk.json`'s
 * `context` (feature flags), `cdk.context.json` (cached lookups), `-c` values, plus four keys of
 * its own (checked against aws-cdk 2.1148: path/asset metadata, version reporting, and
 * `aws:cdk:bundling-stacks: ['**']`, which makes every NodejsFunction bundle at synth).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the CLI adds to every synth (without `--no-path-metadata` and friends). */
export const CLI_CONTEXT: Readonly<Record<string, unknown>> = {
  'aws:cdk:enable-path-metadata': true,
  'aws:cdk:enable-asset-metadata': true,
  'aws:cdk:version-reporting': true,
  'aws:cdk:bundling-stacks': ['**'],
};

/** Merges project context (cdk.json), cached context (cdk.context.json), the CLI's keys and `extra` (pure). */
export function mergeContext(
  cdkJsonContext: Readonly<Record<string, unknown>>,
  cachedContext: Readonly<Record<string, unknown>>,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return { ...cdkJsonContext, ...cachedContext, ...CLI_CONTEXT, ...extra };
}

/** Reads cdk.json and cdk.context.json of the repository and returns the CDK_CONTEXT_JSON value. */
export function cliLikeContextJson(repoRoot: string, extra: Readonly<Record<string, unknown>> = {}): string {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  const cachedFile = join(repoRoot, 'cdk.context.json');
  const cached = existsSync(cachedFile) ? (JSON.parse(readFileSync(cachedFile, 'utf8')) as Record<string, unknown>) : {};
  return JSON.stringify(mergeContext(cdkJson.context ?? {}, cached, extra));
}

/** The `app` command of cdk.json (what `cdk synth` runs), for the report. */
export function cdkJsonApp(repoRoot: string): string {
  const cdkJson = JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { app?: string };
  return cdkJson.app ?? '(none)';
}
