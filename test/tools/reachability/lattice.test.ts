/**
 * The reachability analysis in VPC Lattice mode (tools/reachability/lattice.ts), on the lattice
 * test configuration (the variant `npm run validate` checks): every pair the matrix allows
 * reachable by the API's name from every source subnet, through each Lattice hop; the denied pair
 * unreachable by its name and, honestly, network-reachable by the service's generated name (the
 * auth policy refuses it, which the access simulation evaluates). Then mutations of the
 * synthesized templates, one wrong hop each, every one of which must turn a verdict and name the hop.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiVpcInterfaceEndpoints } from '../../../lib/config/api-network';
import { connectivityOf } from '../../../lib/config/connectivity';
import { CONTAINER_PORT } from '../../../lib/runtime/api-service/src/settings';
import { stageIdFor } from '../../../lib/stages/environment-stage';
import { analyze, formatReport, readStages } from '../../../tools/reachability/analyze';
import { report } from '../../../tools/reachability/main';
import { buildModel } from '../../../tools/reachability/model';
import { met, Verdict } from '../../../tools/reachability/questions';
import { buildTestStages, memo } from '../../helpers';
import { latticeConfig } from '../../stages/lattice-config';
import { Json, mutated as mutatedIn, resources, Stages, verdictOf as verdictIn } from './templates';

const OUT = join(__dirname, '..', '..', '..', 'cdk.out.reachability');

/** The lattice configuration's assembly, synthesized once for the file (about a minute). */
const assembly = memo(() => {
  const dir = buildTestStages(latticeConfig).app.synth().directory;
  return { dir, stages: readStages(dir) };
});
const baseline = memo(() => analyze(latticeConfig, assembly().stages));

/** The environment in lattice mode, its pair the mutations break (its first consumer and the first API it calls), and its denied pair, from the configuration. */
const env = latticeConfig.environments.find((e) => connectivityOf(e) === 'lattice')!;
const stage = stageIdFor(env);
const consumer = env.consumers.find((c) => c.calls.length > 0)!;
const api = env.apis.find((a) => consumer.calls.includes(a.name))!;
const pairQuestion = `${consumer.name} -> ${api.name} (https://${api.domain}:443)`;
const deniedConsumer = env.consumers.find((c) => c.calls.length < env.apis.length)!;
const deniedApi = env.apis.find((a) => !deniedConsumer.calls.includes(a.name))!;

/** `stages` of the lattice assembly, `edit` applied to one stack of its lattice stage. */
const mutated = (stackPath: string, edit: (template: Json) => void): Stages => mutatedIn(assembly().stages, stage, stackPath, edit);
const verdictOf = (verdicts: readonly Verdict[], question: string): Verdict => verdictIn(verdicts, env.name, question);

const after = (stages: Stages, question = pairQuestion): Verdict => verdictOf(analyze(latticeConfig, stages), question);
const stop = (verdict: Verdict) => verdict.hops.find((h) => !h.ok);

describe('reachability: the lattice configuration', () => {
  beforeAll(() => {
    mkdirSync(OUT, { recursive: true });
    writeFileSync(join(OUT, 'lattice.txt'), `${formatReport(baseline())}\n`);
  });

  test('every verdict is as the matrix expects, in every environment (table: cdk.out.reachability/lattice.txt)', () => {
    const misses = baseline().filter((v) => !met(v)).map((v) => `${v.environment}: ${v.question}: ${v.outcome} (${stop(v)?.detail ?? 'no hop stops it'})`);
    expect(misses).toEqual([]);
    // Nothing of Lattice is left unread: no gap in the lattice environment.
    expect(baseline().filter((v) => v.environment === env.name).flatMap((v) => v.gaps)).toEqual([]);
  });

  test('each allowed pair is reachable by the API\'s name from every subnet of every function that calls it, through each Lattice hop', () => {
    const model = buildModel(assembly().stages[stage]);
    for (const c of env.consumers) {
      for (const a of env.apis.filter((x) => c.calls.includes(x.name))) {
        const verdict = verdictOf(baseline(), `${c.name} -> ${a.name} (https://${a.domain}:443)`);
        // The sources: the consumer's functions whose API_BASE_URL is this API's name, each subnet of each.
        const subnets = model.functions.filter((f) => f.where.includes(`/ConsumerApp-${c.name}/`) && f.environment.API_BASE_URL?.includes(`//${a.domain}`)).flatMap((f) => f.subnetIds);
        expect(subnets.length).toBeGreaterThan(0);
        expect({ pair: `${c.name} -> ${a.name}`, outcome: verdict.outcome, paths: verdict.paths }).toEqual({ pair: `${c.name} -> ${a.name}`, outcome: 'reachable', paths: { evaluated: subnets.length, reached: subnets.length } });
        expect(verdict.hops.map((h) => h.hop)).toEqual(['name', 'egress', 'acl out', 'association', 'acl in', 'service network', 'listener', 'auth policy', 'target group', 'acl in', 'task ingress', 'acl out', 'targets']);
        expect(verdict.hops[0].detail).toContain(`${a.domain} -> A alias`);
        expect(verdict.hops.find((h) => h.hop === 'auth policy')?.detail).toContain(`row "${c.name}'s resolver role for ${a.name} invokes ${a.name}"`);
        expect(verdict.hops.find((h) => h.hop === 'task ingress')?.detail).toContain(`tcp ${CONTAINER_PORT} from VPC Lattice (com.amazonaws.${latticeConfig.region}.vpc-lattice)`);
      }
    }
  });

  test('the denied pair: unreachable by the API\'s name (no zone in its VPC holds a record), network-reachable by the service\'s generated name, which its auth policy refuses', () => {
    const byName = verdictOf(baseline(), `${deniedConsumer.name} -> ${deniedApi.name} (https://${deniedApi.domain}:443), denied: any workload, by its name`);
    expect([byName.outcome, byName.stoppedAt]).toEqual(['unreachable', 'name']);
    expect(stop(byName)?.detail).toContain('has no A, AAAA or CNAME record');
    const generated = verdictOf(baseline(), `${deniedConsumer.name} -> ${deniedApi.name} by its generated name, denied: network-reachable, refused by ${deniedApi.name}'s auth policy`);
    expect(generated.outcome).toBe('reachable');
    expect(generated.hops[0].detail).toContain('vpc-lattice-svcs');
    expect(generated.hops.find((h) => h.hop === 'auth policy')?.detail).toContain(`row "${deniedConsumer.name}'s resolver role for ${deniedConsumer.calls[0]} invokes ${deniedApi.name}"`);
  });

  test('the other questions in lattice mode: no other port, no consumer to the tasks around Lattice, no consumer to another, no internet; the tasks reach their endpoints (no STS) and S3', () => {
    const asked = baseline().filter((v) => v.environment === env.name);
    for (const c of env.consumers) {
      for (const a of env.apis) {
        if (c.calls.includes(a.name)) for (const port of [80, CONTAINER_PORT]) expect(verdictOf(asked, `${c.name} -> ${a.name} on port ${port}`).outcome).toBe('unreachable');
        expect(verdictOf(asked, `${c.name} -> ${a.name} tasks directly (port ${CONTAINER_PORT})`).outcome).toBe('unreachable');
        expect(verdictOf(asked, `${c.name} -> ${a.name} tasks around Lattice (port ${CONTAINER_PORT}, the task group alone, whatever the routes)`).outcome).toBe('unreachable');
        for (const other of env.consumers.filter((o) => o !== c)) expect(verdictOf(asked, `${c.name} -> ${other.name} (consumer to consumer, any port)`).outcome).toBe('unreachable');
      }
    }
    for (const vpc of [...env.apis, ...env.consumers]) expect(verdictOf(asked, `${vpc.name} VPC -> the internet`).outcome).toBe('unreachable');
    for (const a of env.apis) {
      for (const service of [...apiVpcInterfaceEndpoints('lattice').map((e) => `${e} (interface endpoint)`), 's3 (image layers, gateway endpoint)']) {
        expect(verdictOf(asked, `${a.name} tasks -> ${service}`).outcome).toBe('reachable');
      }
      expect(asked.map((v) => v.question)).not.toContain(`${a.name} tasks -> sts (interface endpoint)`);
    }
  });

  test('`npm run validate`\'s lattice run: the command\'s report on the assembly exits 0', () => {
    const out: string[] = [];
    expect(report(latticeConfig, assembly().dir, { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(out.join('\n')).toContain(`reachability, environment ${env.name}:`);
  });
});

describe('reachability: one wrong Lattice hop turns a verdict and names the hop', () => {
  test('baseline: the pair is reachable', () => {
    expect(verdictOf(baseline(), pairQuestion).outcome).toBe('reachable');
  });

  test('the association\'s ingress rule for the functions dropped: stops at the association', () => {
    const stages = mutated(`ConsumerApp-${consumer.name}`, (t) => {
      const [associationGroup] = resources(t, 'AWS::VpcLattice::ServiceNetworkVpcAssociation')[0][1].Properties.SecurityGroupIds[0]['Fn::GetAtt'];
      for (const [id, rule] of resources(t, 'AWS::EC2::SecurityGroupIngress')) if (rule.Properties.GroupId['Fn::GetAtt']?.[0] === associationGroup) delete t.Resources[id];
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'association']);
    expect(stop(verdict)?.detail).toContain('admits tcp 443');
  });

  test('the consumer\'s private zone for the API removed: the name falls to the public zone, which has no record (stops at the name)', () => {
    const stages = mutated(`ConsumerApp-${consumer.name}`, (t) => {
      for (const [id, zone] of resources(t, 'AWS::Route53::HostedZone')) {
        if (zone.Properties.Name !== `${api.domain}.`) continue;
        delete t.Resources[id];
        for (const [recordId, record] of resources(t, 'AWS::Route53::RecordSet')) if (record.Properties.HostedZoneId.Ref === id) delete t.Resources[recordId];
      }
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'name']);
    expect(stop(verdict)?.detail).toContain('no A, AAAA or CNAME record');
  });

  test('the task group opened to the consumer\'s CIDR: the around-Lattice verdict turns open, naming the rule', () => {
    const question = `${consumer.name} -> ${api.name} tasks around Lattice (port ${CONTAINER_PORT}, the task group alone, whatever the routes)`;
    expect(verdictOf(baseline(), question).outcome).toBe('unreachable');
    const stages = mutated(`ApiService-${api.name}`, (t) => {
      const [taskGroup] = resources(t, 'AWS::EC2::SecurityGroup').find(([, g]) => String(g.Properties.GroupDescription).includes('tasks'))!;
      t.Resources.OpenToConsumer = { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': [taskGroup, 'GroupId'] }, IpProtocol: 'tcp', FromPort: CONTAINER_PORT, ToPort: CONTAINER_PORT, CidrIp: consumer.cidr } };
    });
    const verdict = after(stages, question);
    expect(verdict.outcome).toBe('reachable');
    expect(met(verdict)).toBe(false);
    expect(verdict.hops[0].detail).toContain(`by ${consumer.cidr} (ApiService-${api.name}/OpenToConsumer)`);
  });

  test('the service\'s association with the service network removed: stops at the service network', () => {
    const stages = mutated(`ApiService-${api.name}`, (t) => {
      for (const [id] of resources(t, 'AWS::VpcLattice::ServiceNetworkServiceAssociation')) delete t.Resources[id];
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'service network']);
    expect(stop(verdict)?.detail).toContain('is not associated with');
  });

  test('the task group\'s rule from Lattice\'s prefix list dropped: requests (and health checks) stop at task ingress', () => {
    const stages = mutated(`ApiService-${api.name}`, (t) => {
      for (const [id, rule] of resources(t, 'AWS::EC2::SecurityGroupIngress')) if (rule.Properties.SourcePrefixListId) delete t.Resources[id];
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'task ingress']);
  });

  test('the ECS service registering a port name its task definition does not have: stops at the target group', () => {
    const stages = mutated(`ApiService-${api.name}`, (t) => {
      for (const [, service] of resources(t, 'AWS::ECS::Service')) service.Properties.VpcLatticeConfigurations[0].PortName = 'no-such-port';
    });
    const verdict = after(stages);
    expect([verdict.outcome, verdict.stoppedAt]).toEqual(['unreachable', 'target group']);
    expect(stop(verdict)?.detail).toContain('no port mapping of that name');
  });

  test('a listener rule (not modelled) on the service: its paths are unknown and the gap named, nothing assumed', () => {
    const stages = mutated(`ApiService-${api.name}`, (t) => {
      const [service] = resources(t, 'AWS::VpcLattice::Service')[0];
      t.Resources.Rule = { Type: 'AWS::VpcLattice::Rule', Properties: { ServiceIdentifier: { 'Fn::GetAtt': [service, 'Id'] }, Priority: 1, Match: { HttpMatch: { PathMatch: { Match: { Prefix: '/' } } } }, Action: { FixedResponse: { StatusCode: 404 } } } };
    });
    const verdict = after(stages);
    expect(verdict.outcome).toBe('unknown');
    expect(verdict.gaps.map((g) => g.type)).toEqual(['AWS::VpcLattice::Rule']);
  });
});
