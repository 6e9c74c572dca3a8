import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * The `*.spec.ts` modules, in groups run by `cdk-apps.test.ts`, `cdk-stacks.test.ts` and
 * `cdk-access.test.ts`.
 *
 * Jest gives every test file a fresh module registry, so each file that loads aws-cdk-lib loads
 * and JIT-compiles it anew: with one file per spec that was about a third of the suite's CPU
 * time (the same specs, one worker: 96 s CPU as separate files, 66 s in one registry). A group
 * runs its specs in one registry, each under a describe block named after its file.
 *
 * What a group costs is memory: every app its specs build stays alive until the group's file
 * ends (specs build at load time, and aws-cdk-lib's CfnReference keeps a process-wide table of
 * referenced constructs), so a group holds the sum of its specs' apps. Peak RSS of a worker
 * running one group alone (2026-11-30, after the move of two specs from apps to access): apps
 * 599 MB (its whole-app CloudFormation validation is most of it), stacks 304 MB, access 392 MB.
 * Measure a group's peak before growing it.
 *
 * A spec that only reads the example app or its stages takes them from `exampleTestApp()` or
 * `exampleTestStages()` (helpers.ts), built once per registry: put it in the group that already
 * builds them (access, stacks), and build anything it changes on its own.
 *
 * Other rules:
 * - At most one spec per group may build a PrivateLink environment: aws-cdk-lib's
 *   VpcEndpointServiceDomainName keeps a registry of endpoint services for the whole module
 *   registry and refuses a second app with the same construct path ("another
 *   VpcEndpointServiceDomainName ... is already associated with it").
 * - Each spec is required by a literal path, so that jest's dependency graph (`--watch`,
 *   `--onlyChanged`, `--findRelatedTests`) sees it.
 * - A suite stays a standalone `*.test.ts` when a script runs it on its own (update-safety, by
 *   `npm run docs -- --write`), when its snapshot file is keyed by its own path (snapshot), when
 *   it would be another PrivateLink builder (docs), or when it does not load aws-cdk-lib.
 * - A spec that throws while it loads fails its whole group: read the first error.
 *
 * To run one spec alone, see "Test files" in the README.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export const SPEC_GROUPS = {
  /** The whole app with all `cdk synth` runs (cdk-nag, CloudFormation validation), and the PrivateLink app. */
  apps: {
    'app.spec.ts': () => require('./app.spec'),
    'stages/privatelink.spec.ts': () => require('./stages/privatelink.spec'),
  },
  /** Stages, stacks, constructs and configuration. */
  stacks: {
    'stages/environment-stage.spec.ts': () => require('./stages/environment-stage.spec'),
    'stacks/api-service-stack.spec.ts': () => require('./stacks/api-service-stack.spec'),
    'stacks/consumer-app-stack.spec.ts': () => require('./stacks/consumer-app-stack.spec'),
    'stacks/dns-stacks.spec.ts': () => require('./stacks/dns-stacks.spec'),
    'constructs/graphql-consumer.spec.ts': () => require('./constructs/graphql-consumer.spec'),
    'constructs/private-network.spec.ts': () => require('./constructs/private-network.spec'),
    'constructs/internal-nlb-service.spec.ts': () => require('./constructs/internal-nlb-service.spec'),
    'config/load.spec.ts': () => require('./config/load.spec'),
    'config/partition.spec.ts': () => require('./config/partition.spec'),
    'config/validate.spec.ts': () => require('./config/validate.spec'),
  },
  /**
   * The access simulation (three configurations, one of them PrivateLink), monitoring, and the
   * specs that read the example app, which share one build of it with the simulation
   * (helpers.ts, exampleTestApp).
   */
  access: {
    'access/access.spec.ts': () => require('./access/access.spec'),
    'monitoring.spec.ts': () => require('./monitoring.spec'),
    'pipeline/pipeline-stack.spec.ts': () => require('./pipeline/pipeline-stack.spec'),
    'scripts/deploy-commands.spec.ts': () => require('./scripts/deploy-commands.spec'),
  },
} as const;
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every `*.spec.ts` under jest's roots (test/ and lib/), relative to test/ with forward slashes. */
function specsOnDisk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : specsOnDisk(path);
    return entry.name.endsWith('.spec.ts') ? [relative(__dirname, path).split(sep).join('/')] : [];
  });
}

const FOCUSED = /\b(?:fit|fdescribe|(?:test|it|describe)\.only)\(/;

/** Every spec listed in a group. */
export const LISTED_SPECS: readonly string[] = Object.values(SPEC_GROUPS).flatMap((g) => Object.keys(g));

/** Every `*.spec.ts` on disk under jest's roots (test/ and lib/). */
export function specsOnDiskUnderRoots(): string[] {
  return [...specsOnDisk(__dirname), ...specsOnDisk(join(__dirname, '..', 'lib'))];
}
/** Whether a listed spec has a focused test (`.only`, `fit`, `fdescribe`). */
export const isFocused = (spec: string): boolean => FOCUSED.test(readFileSync(join(__dirname, spec), 'utf8'));

/** Declares the specs of one group in the calling test file (specs.test.ts checks none is lost). */
export function runSpecGroup(group: keyof typeof SPEC_GROUPS): void {
  for (const [spec, load] of Object.entries(SPEC_GROUPS[group])) describe(spec, () => void load());
}
