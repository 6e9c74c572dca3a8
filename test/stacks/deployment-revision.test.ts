import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Stack } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { DeploymentRevision, PENDING_REVISION } from '../../lib/stacks/deployment-revision';
import { DeploymentRevisionSynthesizer } from '../../lib/stacks/deployment-revision-synthesizer';
import { testApp } from '../helpers';

interface Variant {
  readonly upstreamTopic?: string;
  readonly ownerTopic?: string;
  readonly readerTopic?: string;
}

/** An upstream stack, the owner that publishes the revision, and a later stack that carries it. */
function synth(variant: Variant = {}) {
  const app = testApp();
  const upstream = new Stack(app, 'Upstream');
  new sns.Topic(upstream, 'Topic', { displayName: variant.upstreamTopic ?? 'upstream' });
  const synthesizer = new DeploymentRevisionSynthesizer();
  const owner = new Stack(app, 'Owner', { synthesizer });
  new sns.Topic(owner, 'Topic', { displayName: variant.ownerTopic ?? 'owner' });
  const revision = new DeploymentRevision([upstream, owner]);
  synthesizer.carry(revision);
  new ssm.StringParameter(owner, 'Revision', { stringValue: revision.value });
  const reader = new Stack(app, 'Reader');
  new sns.Topic(reader, 'Topic', { displayName: variant.readerTopic ?? 'reader' });
  new CfnOutput(reader, 'Revision', { value: revision.value });
  const assembly = app.synth();
  const template = (name: string) => assembly.getStackByName(name).template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>; Outputs?: Record<string, { Value: unknown }> };
  const published = Object.values(template('Owner').Resources).find((r) => r.Type === 'AWS::SSM::Parameter')!.Properties.Value as string;
  return { assembly, published, carried: template('Reader').Outputs!.Revision.Value as string, stacks: [upstream, owner] };
}

describe('DeploymentRevision', () => {
  const base = synth();

  test('resolves to one 64-hex literal in the owner and in a stack synthesized after it', () => {
    expect(base.published).toMatch(/^[0-9a-f]{64}$/);
    expect(base.carried).toBe(base.published);
  });

  test('is the SHA-256 of the written template files, the owner\'s as first written (its own value pending; recomputed here from the assembly)', () => {
    const [upstream, owner] = base.stacks;
    // The owner's first write is its template before the synthesizer adds the bootstrap-version check.
    const final = JSON.parse(readFileSync(join(base.assembly.directory, owner.templateFile), 'utf8').split(base.published).join(PENDING_REVISION));
    delete final.Parameters.BootstrapVersion;
    delete final.Rules.CheckBootstrapVersion;
    for (const section of ['Parameters', 'Rules']) if (Object.keys(final[section]).length === 0) delete final[section];
    const hash = createHash('sha256');
    hash.update(upstream.templateFile).update(readFileSync(join(base.assembly.directory, upstream.templateFile)));
    hash.update(owner.templateFile).update(JSON.stringify(final, undefined, 1));
    expect(base.published).toBe(hash.digest('hex'));
  });

  test('changes with a change that reaches an upstream template or the owner\'s, and not with one that reaches neither', () => {
    expect(synth().published).toBe(base.published);
    expect(synth({ upstreamTopic: 'changed' }).published).not.toBe(base.published);
    expect(synth({ ownerTopic: 'changed' }).published).not.toBe(base.published);
    expect(synth({ readerTopic: 'changed' }).published).toBe(base.published);
  });

  test('uses no private CDK API (a CDK upgrade may remove it): no underscore member of aws-cdk-lib is called', () => {
    const source = ['deployment-revision.ts', 'deployment-revision-synthesizer.ts'].map((f) => readFileSync(join(__dirname, '../../lib/stacks', f), 'utf8')).join('\n');
    expect(source.match(/\._[a-zA-Z]+\(/g) ?? []).toEqual([]);
  });

  test('fails at synth, naming the stack, when a stack of the revision is written after the one that carries it', () => {
    const app = testApp();
    const synthesizer = new DeploymentRevisionSynthesizer();
    const owner = new Stack(app, 'Owner', { synthesizer });
    const late = new Stack(app, 'Late');
    new sns.Topic(late, 'Topic');
    const revision = new DeploymentRevision([late, owner]);
    synthesizer.carry(revision);
    new ssm.StringParameter(owner, 'Revision', { stringValue: revision.value });
    expect(() => app.synth()).toThrow(/Late: its template .* is not written yet when the deployment revision is computed; construct the stacks of the revision before the stack that carries it/);
  });
});
