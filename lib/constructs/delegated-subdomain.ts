import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { AcmValidationCleanup } from './acm-validation-cleanup';

/** The custom resource type of CDK's cross-account zone delegation (its provider's id prefix). */
const CROSS_ACCOUNT_ZONE_DELEGATION = 'Custom::CrossAccountZoneDelegation';

/** Properties of {@link DelegatedSubdomain}. */
export interface DelegatedSubdomainProps {
  /** The subdomain to host here, e.g. `api.dev.example.com`. */
  readonly domainName: string;
  /** Id of the parent zone in the dns account. */
  readonly parentZoneId: string;
  /** ARN of the role in the dns account that may write only this subdomain's NS record. */
  readonly delegationRoleArn: string;
  /**
   * Name for the role that runs the delegation custom resource, so the delegation role can trust
   * exactly this role.
   * @default - a name CloudFormation generates (the delegation role must then trust the account)
   */
  readonly providerRoleName?: string;
  /**
   * TTL of the NS record in the parent zone. Short enough that a re-created subzone (new name
   * servers) is picked up within the hour, long enough to cost nothing in queries.
   * @default Duration.hours(1)
   */
  readonly delegationTtl?: Duration;
}

/**
 * A public hosted zone for a subdomain whose parent zone lives in another account, delegated by
 * writing the NS record into the parent through a least-privilege role, and an ACM certificate
 * for the name, DNS-validated in the subzone once the delegation exists.
 */
export class DelegatedSubdomain extends Construct {
  /** The subzone (for alias records). */
  public readonly zone: route53.PublicHostedZone;
  /** The certificate covering exactly `domainName`. */
  public readonly certificate: acm.Certificate;
  /** The NS delegation in the parent zone. */
  public readonly delegation: route53.CrossAccountZoneDelegationRecord;
  /** Removes ACM's validation records when the stack is deleted or rolled back. */
  public readonly validationCleanup: AcmValidationCleanup;

  constructor(scope: Construct, id: string, props: DelegatedSubdomainProps) {
    super(scope, id);
    this.zone = new route53.PublicHostedZone(this, 'Zone', {
      zoneName: props.domainName,
      comment: `Delegated from the parent zone ${props.parentZoneId}; managed by CDK`,
    });

    this.delegation = new route53.CrossAccountZoneDelegationRecord(this, 'Delegation', {
      delegatedZone: this.zone,
      parentHostedZoneId: props.parentZoneId,
      delegationRole: iam.Role.fromRoleArn(this, 'DelegationRole', props.delegationRoleArn, { mutable: false }),
      ttl: props.delegationTtl ?? Duration.hours(1),
      // Deleting this stack must not silently take the API's name off the internet's resolvers;
      // removing the NS record is a deliberate step (see docs/deploying.md, DNS teardown). Except
      // on the create that made it (RetainExceptOnCreate): when the first deploy rolls back, the
      // subzone and its name servers are released, and a retained record would point the name at
      // servers anyone can claim (a dangling delegation); deleting the record runs the provider's
      // DELETE of exactly this NS set.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    if (props.providerRoleName) {
      // CDK's provider (one per stack) exposes no role name: set it on the L1.
      const provider = Stack.of(this).node.findChild(`${CROSS_ACCOUNT_ZONE_DELEGATION}CustomResourceProvider`);
      (provider.node.findChild('Role') as CfnResource).addPropertyOverride('RoleName', props.providerRoleName);
    }

    // CloudFormation never deletes ACM's validation CNAME, so deleting (or rolling back) this stack
    // would fail on the non-empty zone; the certificate depends on the cleanup, which therefore
    // runs after the certificate is gone and before the zone is deleted.
    this.validationCleanup = new AcmValidationCleanup(this, 'ValidationCleanup', { zone: this.zone });

    this.certificate = new acm.Certificate(this, 'Certificate', {
      domainName: props.domainName,
      validation: acm.CertificateValidation.fromDns(this.zone),
    });
    // ACM validates through public DNS: until the parent delegates, the validation record in the
    // subzone is invisible and the certificate would wait for hours, then fail.
    this.certificate.node.addDependency(this.delegation, this.validationCleanup);
  }
}
