/**
 * Update safety: the example configuration and changed ones are synthesized once each, and every
 * stack's templates are diffed with @aws-cdk/cloudformation-diff, the library behind `cdk diff`
 * (tools/docs/update-safety.ts, which also writes the table of docs/deploying.md), so these tests
 * see what a reviewer sees. For each kind of update a deployment lives through (the access
 * matrix's included: an API added, a consumer added, a grant, a revocation), no stateful resource
 * outside a revoked pair may be replaced or removed, a revocation removes exactly what belonged to
 * its pair, and exactly the health checks of the pairs a change touches run again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResourceImpact } from '@aws-cdk/cloudformation-diff';
import { blockRanges } from '../tools/shared/blocks';
import { compareConfigs, gateReruns, REPLACING, ScenarioResult, updateSafety, updateSafetyBlock, updateScenarios } from '../tools/docs/update-safety';
import { AppConfig } from '../lib/config/types';
import { latticeConfig } from './stages/lattice-config';
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
  'AWS::VpcLattice::ServiceNetwork',
  'AWS::VpcLattice::Service',
  'AWS::VpcLattice::TargetGroup',
  'AWS::VpcLattice::ServiceNetworkServiceAssociation',
  'AWS::VpcLattice::ServiceNetworkVpcAssociation',
]);
const REMOVING = new Set([ResourceImpact.WILL_DESTROY, ResourceImpact.WILL_ORPHAN]);

/**
 * `Dev-ApiNetwork-catalogue/NetworkVpctransitSubnet1Subnet... (AWS::EC2::Subnet): WILL_REPLACE`, for
 * every stateful replacement or removal that `allowed` (what a revoked pair owned) does not cover.
 */
function unsafeStatefulChanges(result: ScenarioResult, allowed: (stack: string, logicalId: string) => boolean = () => false): string[] {
  const unsafe: string[] = [];
  for (const [stack, diff] of result.diffs) {
    diff.resources.forEachDifference((logicalId, change) => {
      const type = change.oldResourceType ?? change.resourceType ?? '';
      if (STATEFUL_TYPES.has(type) && (REPLACING.has(change.changeImpact) || REMOVING.has(change.changeImpact)) && !allowed(stack, logicalId)) {
        unsafe.push(`${stack}/${logicalId} (${type}): ${change.changeImpact}`);
      }
    });
  }
  return unsafe;
}

/**
 * Every resource the diffs remove, as `stack/logicalId`; with `superseded`, not the Lambda versions
 * a changed function publishes anew (its new version is added in the same diff, nothing is lost).
 */
function removals(result: ScenarioResult, superseded = true): string[] {
  const removed: string[] = [];
  for (const [stack, diff] of result.diffs) {
    diff.resources.forEachDifference((id, change) => {
      if (change.isRemoval && (superseded || change.oldResourceType !== 'AWS::Lambda::Version')) removed.push(`${stack}/${id}`);
    });
  }
  return removed;
}

// Six whole-app synths and their diffs, on first use: the computation that writes the table.
const computed = memo(() => updateSafety());

describe('update safety: what `cdk diff` shows for each kind of update', () => {
  describe.each(updateScenarios().map((s) => [s.name, s] as const))('%s', (name, scenario) => {
    const result = (): ScenarioResult => computed().results.get(name)!;

    test(scenario.pairOwns ? 'changes at least one stack, removes no stack' : 'changes at least one stack, removes no stack and no resource (but superseded Lambda versions)', () => {
      const { diffs, newStacks, removedStacks } = result();
      expect(diffs.size + newStacks.length).toBeGreaterThan(0);
      expect([...diffs.values()].some((d) => d.resources.differenceCount > 0) || newStacks.length > 0).toBe(true);
      expect(removedStacks).toEqual([]);
      if (!scenario.pairOwns) expect(removals(result(), false)).toEqual([]);
    });

    test('replaces and removes no stateful resource (of any other API or consumer)', () => {
      expect(unsafeStatefulChanges(result(), scenario.pairOwns)).toEqual([]);
    });

    if (scenario.pairOwns) {
      test('removes exactly what belonged to the revoked pair: its resolver, check, fields, endpoint parameters, routes and propagations', () => {
        const removed = removals(result());
        expect(removed.length).toBeGreaterThan(0);
        expect(removed.filter((r) => !scenario.pairOwns!(r.split('/')[0], r.split('/')[1]))).toEqual([]);
        // Every layer lets go of the pair: the consumer's function and check, its route, the gateway's propagations.
        for (const kind of [/-ConsumerApp-.*HealthCheckGate/, /-ConsumerApp-.*Resolver/, /-TransitRouting\/.*Propagation/, /-ConsumerNetwork-.*ToPeer/, /-ApiNetwork-.*ToPeer/]) {
          expect({ kind: String(kind), removed: removed.some((r) => kind.test(r)) }).toEqual({ kind: String(kind), removed: true });
        }
      });
    }

    if (scenario.rerun) {
      test('re-runs exactly the health checks of the (consumer, API) pairs it touches (the promotion gate)', () => {
        const { checks, rerun } = gateReruns(result());
        expect(checks.length).toBeGreaterThan(0);
        // A check removed with its pair cannot re-run; the others that must, do, and no other.
        expect(rerun).toEqual(scenario.rerun!.filter((c) => checks.includes(c)));
        expect(rerun.length).toBeGreaterThan(0);
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

describe('update safety in lattice mode (the example\'s lattice variant, its first environment)', () => {
  const env = latticeConfig.environments[0];
  const stage = env.name.charAt(0).toUpperCase() + env.name.slice(1);
  // A consumer that does not call every API, and an API it does not call: granted, then revoked.
  const grantee = env.consumers.find((c) => c.calls.length < env.apis.length)!;
  const grantedApi = env.apis.find((a) => !grantee.calls.includes(a.name))!;
  const bend = (change: (c: { environments: { apis: unknown[]; consumers: { name: string; calls: string[] }[] }[] }) => void): AppConfig => {
    const copy = structuredClone(latticeConfig) as unknown as Parameters<typeof change>[0];
    change(copy);
    return copy as unknown as AppConfig;
  };
  const granted = bend((c) => c.environments[0].consumers.find((x) => x.name === grantee.name)!.calls.push(grantedApi.name));
  const withApi = bend((c) => {
    c.environments[0].apis.push({ ...structuredClone(env.apis[0]), name: 'archive', account: '151515151515', cidr: '10.12.0.0/20', domain: `archive.${env.name}.example.com`, runtime: 'api-service' });
    c.environments[0].consumers.push({ name: 'auditor', account: '161616161616', cidr: '10.22.0.0/20', calls: ['archive'] } as { name: string; calls: string[] });
  });
  const results = memo(() => {
    const [grant, revoke, addApi] = compareConfigs([[latticeConfig, granted], [granted, latticeConfig], [latticeConfig, withApi]]);
    return { grant, revoke, addApi };
  });
  const changedStacks = (result: ScenarioResult) => [...result.diffs].filter(([, d]) => d.resources.differenceCount > 0).map(([name]) => name).sort();

  test(`a grant (${grantee.name} -> ${grantedApi.name}) changes that API's service (its auth policy, its shared values' readers) and that consumer's app, re-runs the other callers' checks of that API only; it replaces and removes nothing`, () => {
    const { grant } = results();
    const otherCallers = env.consumers.filter((c) => c !== grantee && c.calls.includes(grantedApi.name));
    expect(changedStacks(grant).filter((n) => n.startsWith(`${stage}-`))).toEqual(
      [`${stage}-ApiService-${grantedApi.name}`, `${stage}-ConsumerApp-${grantee.name}`, ...otherCallers.map((c) => `${stage}-ConsumerApp-${c.name}`)].sort(),
    );
    expect(unsafeStatefulChanges(grant)).toEqual([]);
    expect(removals(grant, false)).toEqual([]);
    const policy: string[] = [];
    grant.diffs.get(`${stage}-ApiService-${grantedApi.name}`)!.resources.forEachDifference((id, change) => { if (change.resourceType === 'AWS::VpcLattice::AuthPolicy' && change.isUpdate) policy.push(id); });
    expect(policy).toHaveLength(1);
    // In another caller's app only its check of the granted API changes (the API's revision moved).
    for (const caller of otherCallers) {
      const changed: string[] = [];
      grant.diffs.get(`${stage}-ConsumerApp-${caller.name}`)!.resources.forEachDifference((id) => changed.push(id));
      expect(changed.every((id) => id.startsWith(`Graphql${grantedApi.name.replace(/-/g, '')}HealthCheckGate`))).toBe(true);
      expect(changed.length).toBeGreaterThan(0);
    }
  });

  test('its revocation removes exactly that pair\'s zone, functions and grants, and nothing stateful of anyone else', () => {
    const { revoke } = results();
    const owned = (stack: string, id: string) => stack === `${stage}-ConsumerApp-${grantee.name}` && id.toLowerCase().includes(grantedApi.name.replace(/-/g, '').toLowerCase());
    expect(unsafeStatefulChanges(revoke, owned)).toEqual([]);
    const removed = removals(revoke);
    expect(removed.filter((r) => !owned(r.split('/')[0], r.split('/')[1]))).toEqual([]);
    for (const kind of [/LatticeName.*Zone/, /HealthCheckGate/, /Resolver/]) expect({ kind: String(kind), removed: removed.some((r) => kind.test(r)) }).toEqual({ kind: String(kind), removed: true });
  });

  test('adding an API and its consumer adds their stacks and replaces or removes nothing', () => {
    const { addApi } = results();
    expect(addApi.newStacks).toEqual(expect.arrayContaining([`${stage}-ApiService-archive`, `${stage}-ConsumerApp-auditor`]));
    expect(unsafeStatefulChanges(addApi)).toEqual([]);
    expect(removals(addApi, false)).toEqual([]);
  });
});
