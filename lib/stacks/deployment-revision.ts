import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IResolveContext, Lazy, Stack, Stage } from 'aws-cdk-lib';

/** What the revision resolves to until the owner stack's synthesizer has computed it. */
export const PENDING_REVISION = 'pending';

/**
 * A fingerprint of what a set of stacks deploys: a SHA-256 over their template files as CDK wrote
 * them, read back through public API only (`Stage.outdir`, `Stack.templateFile`), so a CDK upgrade
 * that changes how templates are rendered cannot break it. Any change that reaches one of their
 * templates (a new image, task size, NLB, security group, route, certificate) changes it; a change
 * that reaches none does not. `value` resolves to the same literal in any stack synthesized after
 * the owner, so another account's stack can carry it without a cross-stack reference.
 *
 * The owner stack (the one that carries the revision, last of `stacks`) must be synthesized by a
 * {@link DeploymentRevisionSynthesizer}: it writes the owner's template once with the revision as
 * {@link PENDING_REVISION} (a constant, so the value leaves itself out of its own hash), computes
 * the revision from the written files, then writes the template for real.
 */
export class DeploymentRevision {
  /** The revision, a 64-hex-digit token (a literal once synthesized). */
  public readonly value: string;
  private computed?: string;

  /** @param stacks the stacks whose templates make up the revision, the owner last */
  constructor(private readonly stacks: readonly Stack[]) {
    this.value = Lazy.uncachedString({ produce: (context) => this.produce(context) });
  }

  /** Before the owner's synthesis (aspects, prepare, the owner's first write): the constant placeholder. */
  private produce(_context: IResolveContext): string {
    return this.computed ?? PENDING_REVISION;
  }

  /** Called by the owner's synthesizer once its template holds the placeholder: hashes every template file. */
  public computeFromWrittenTemplates(): void {
    const hash = createHash('sha256');
    for (const stack of this.stacks) {
      const file = join(Stage.of(stack)!.outdir, stack.templateFile);
      if (!existsSync(file)) {
        throw new Error(`${stack.node.path}: its template (${file}) is not written yet when the deployment revision is computed; construct the stacks of the revision before the stack that carries it.`);
      }
      hash.update(stack.templateFile);
      hash.update(readFileSync(file));
    }
    this.computed = hash.digest('hex');
  }
}
