import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The `*.spec.ts` modules, in two groups run by `cdk-apps.test.ts` and `cdk-stacks.test.ts`.
 *
 * Jest gives every test file a fresh module registry, so each file that builds a CDK app loads
 * and JIT-compiles aws-cdk-lib anew: with one file per spec that was about a third of the
 * suite's CPU time (the same specs, one worker: 96 s CPU as separate files, 66 s in one registry).
 * A group runs its specs in one registry, each under a describe block named after its file;
 * two groups keep both of jest's workers busy.
 *
 * At most one spec per group may build a PrivateLink environment: aws-cdk-lib's
 * VpcEndpointServiceDomainName keeps a registry of endpoint services for the whole module
 * registry and refuses a second app with the same construct path ("another
 * VpcEndpointServiceDomainName ... is already associated with it"). A suite stays a standalone
 * `*.test.ts` when a script runs it on its own (update-safety, by `npm run docs -- --write`), when
 * it would be a third PrivateLink builder (docs), or when it builds no CDK app at all.
 * To run one spec alone, see "Test files" in the README.
 */
export const SPEC_GROUPS = {
  /** The whole app: every environment, the pipeline, cdk-nag. */
  apps: ['app.spec.ts', 'pipeline/pipeline-stack.spec.ts', 'scripts/deploy-commands.spec.ts', 'monitoring.spec.ts', 'stages/privatelink.spec.ts'],
  /** Stages, stacks, constructs and configuration, and the access simulation. */
  stacks: [
    'access/access.spec.ts',
    'stages/environment-stage.spec.ts',
    'stacks/api-service-stack.spec.ts',
    'stacks/consumer-app-stack.spec.ts',
    'stacks/dns-stacks.spec.ts',
    'constructs/graphql-consumer.spec.ts',
    'constructs/private-network.spec.ts',
    'constructs/internal-nlb-service.spec.ts',
    'config/load.spec.ts',
    'config/partition.spec.ts',
    'config/validate.spec.ts',
  ],
} as const;

/** Every `*.spec.ts` under test/, relative to it. */
function specsOnDisk(dir = __dirname): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return specsOnDisk(path);
    return entry.name.endsWith('.spec.ts') ? [relative(__dirname, path)] : [];
  });
}

/** Declares the specs of one group in the calling test file, and checks no spec is left out. */
export function runSpecGroup(group: keyof typeof SPEC_GROUPS): void {
  test('every *.spec.ts under test/ is in exactly one group (else it never runs)', () => {
    const listed: string[] = Object.values(SPEC_GROUPS).flat();
    expect([...listed].sort()).toEqual(specsOnDisk().sort());
    expect(new Set(listed).size).toBe(listed.length);
  });
  for (const spec of SPEC_GROUPS[group]) {
    describe(spec, () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(join(__dirname, spec));
    });
  }
}
