/**
 * Update safety: the example configuration and changed ones are synthesized once each, and every
 * stack's templates are diffed with @aws-cdk/cloudformation-diff, the library behind `cdk diff`
 * (tools/docs/update-safety.ts, which also writes the table of docs/deploying.md), so these tests
 * see what a reviewer sees. For each kind of update a deployment lives through, no stateful
 * resource may be replaced or removed, and every API-side change must re-run the health check of
 * every consumer of that environment (the promotion gate).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { blockRanges } from '../tools/shared/blocks';
import { gateReruns, REPLACING, ScenarioResult, updateSafety, updateSafetyBlock, updateScenarios } from '../tools/docs/update-safety';
import { memo } from './helpers';

/** Resource types whose replacement or removal loses data, traffic or identity. */
const STATEFUL_TYPES = new Set([
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::TransitGateway',
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::EC2::TransitGatewayRouteTable',
  'AWS::Route53::HostedZone',
  'Custom::CrossAccountZoneDelegation',
  'AWS::CertificateManager::Certificate',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::AppSync::GraphQLApi',
  'AWS::Logs::LogGroup',
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
]);
const REMOVING = new Set([ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN]);

/** `Dev-ApiNetwork/NetworkVpctransitSubnet1Subnet... (AWS::EC2::Subnet): WILL_REPLACE`, for every unsafe stateful change. */
function unsafeStatefulChanges(result: ScenarioResult): string[] {
  const unsafe: string[] = [];
  for (const [stack, diff] of result.diffs) {
    diff.resources.forEachDifference((logicalId, change) => {
      const type = change.oldResourceType ?? change.resourceType ?? '';
      if (STATEFUL_TYPES.has(type) && (REPLACING.has(change.changeImpact) || REMOVING.has(change.changeImpact))) {
        unsafe.push(`${stack}/${logicalId} (${type}): ${change.changeImpact}`);
      }
    });
  }
  return unsafe;
}

// Four whole-app synths and their diffs, on first use: the computation that writes the table.
const computed = memo(() => updateSafety());

describe('update safety: what `cdk diff` shows for each kind of update', () => {
  describe.each(updateScenarios().map((s) => [s.name, s] as const))('%s', (name, scenario) => {
    const result = (): ScenarioResult => computed().results.get(name)!;

    test('changes at least one stack, removes none', () => {
      const { diffs, newStacks, removedStacks } = result();
      expect(diffs.size + newStacks.length).toBeGreaterThan(0);
      expect([...diffs.values()].some((d) => d.resources.differenceCount > 0) || newStacks.length > 0).toBe(true);
      expect(removedStacks).toEqual([]);
    });

    test('replaces and removes no stateful resource', () => {
      expect(unsafeStatefulChanges(result())).toEqual([]);
    });

    if (scenario.apiSide) {
      test('re-runs the health check of every consumer of the environment (the promotion gate)', () => {
        const { consumers, rerun } = gateReruns(result());
        expect(consumers.length).toBeGreaterThan(0);
        expect(rerun).toEqual(consumers);
      });
    }
  });

  test('docs/deploying.md shows this summary (else: npm run docs -- --write)', () => {
    const file = join(__dirname, '..', 'docs', 'deploying.md');
    const text = readFileSync(file, 'utf8');
    const ranges = blockRanges(text, 'update-safety', file);
    expect(ranges).toHaveLength(1);
    const [[start, end]] = ranges;
    expect(text.slice(start, end)).toBe(updateSafetyBlock().content);
  });
});
