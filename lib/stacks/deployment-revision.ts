import { createHash } from 'node:crypto';
import { CfnElement, IResolveContext, Lazy, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A fingerprint of what a set of stacks deploys (#12): a SHA-256 over the resolved CloudFormation
 * of every element of those stacks, computed when the templates are written (so it sees the
 * finished tree, cross-stack references included). Any change that reaches one of their templates
 * (a new image, task size, NLB, security group, route, certificate) changes it; a change that
 * reaches none does not. `value` resolves to the same literal in any stack, so another account's
 * stack can carry it without a cross-stack reference.
 */
export class DeploymentRevision {
  /** The revision, a 64-hex-digit token (a literal once synthesized). */
  public readonly value: string;
  private readonly excluded: IConstruct[] = [];

  /** @param stacks the stacks whose templates make up the revision */
  constructor(private readonly stacks: readonly Stack[]) {
    this.value = Lazy.uncachedString({ produce: (context) => this.compute(context) });
  }

  /** Leaves `construct` and its children out: whatever carries the revision itself. */
  public exclude(construct: IConstruct): void {
    this.excluded.push(construct);
  }

  private compute(context: IResolveContext): string {
    // During prepare, CDK resolves every template only to discover references; cross-stack
    // references have no value yet, and this value holds none, so a placeholder does.
    if (context.preparing) return 'pending';
    const hash = createHash('sha256');
    for (const stack of this.stacks) {
      const elements = stack.node
        .findAll()
        .filter((c): c is CfnElement => CfnElement.isCfnElement(c) && Stack.of(c) === stack && !this.isExcluded(c));
      for (const element of elements) {
        // _toCloudFormation is what the stack itself renders into the template (no public
        // equivalent exists before the template is written).
        const rendered = (element as unknown as { _toCloudFormation(): object })._toCloudFormation();
        hash.update(JSON.stringify(stack.resolve(rendered)));
      }
    }
    return hash.digest('hex');
  }

  private isExcluded(construct: IConstruct): boolean {
    return this.excluded.some((e) => construct === e || construct.node.path.startsWith(`${e.node.path}/`));
  }
}
