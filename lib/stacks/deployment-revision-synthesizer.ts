import { DefaultStackSynthesizer, ISynthesisSession } from 'aws-cdk-lib';
import { DeploymentRevision } from './deployment-revision';

/**
 * The synthesizer of a stack that carries a {@link DeploymentRevision}: a DefaultStackSynthesizer
 * (same template, same bootstrap roles and assets) that first writes the template with the revision
 * still pending, lets the revision hash the written files, then synthesizes as usual. Only
 * `synthesize` and the protected `synthesizeTemplate`, both public API for synthesizer subclasses.
 */
export class DeploymentRevisionSynthesizer extends DefaultStackSynthesizer {
  private revision?: DeploymentRevision;

  /** The revision this stack carries; set once, before synthesis. */
  public carry(revision: DeploymentRevision): void {
    this.revision = revision;
  }

  public override synthesize(session: ISynthesisSession): void {
    if (this.revision) {
      this.synthesizeTemplate(session);
      this.revision.computeFromWrittenTemplates();
    }
    super.synthesize(session);
  }
}
