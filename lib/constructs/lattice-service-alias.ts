import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';

/** Properties of {@link LatticeServiceAlias}. */
export interface LatticeServiceAliasProps {
  /** The API's own name (the Lattice service's custom domain name). */
  readonly domainName: string;
  /** The VPC in which the name must resolve. */
  readonly vpc: ec2.IVpc;
  /** The DNS name VPC Lattice generated for the service (its DnsEntry.DomainName). */
  readonly serviceDnsName: string;
  /** The hosted zone of that name (its DnsEntry.HostedZoneId). */
  readonly serviceHostedZoneId: string;
}

/**
 * The API's own name inside one consumer VPC: a private hosted zone for the name, associated with
 * that VPC only, whose apex aliases the Lattice service's generated name. So the caller uses the
 * API's real name (and its certificate) with no public record of a private address, and a VPC of
 * a consumer the matrix does not list cannot even resolve it. AWS documents a record from the
 * custom name to the generated one (https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-custom-domain-name.html);
 * an alias, which a zone apex needs, is what AWS's samples build from the DnsEntry attributes.
 */
export class LatticeServiceAlias extends Construct {
  /** The private zone. */
  public readonly zone: route53.PrivateHostedZone;
  /** The alias at its apex. */
  public readonly record: route53.ARecord;

  constructor(scope: Construct, id: string, props: LatticeServiceAliasProps) {
    super(scope, id);
    this.zone = new route53.PrivateHostedZone(this, 'Zone', { zoneName: props.domainName, vpc: props.vpc });
    const target: route53.IAliasRecordTarget = { bind: () => ({ dnsName: props.serviceDnsName, hostedZoneId: props.serviceHostedZoneId }) };
    this.record = new route53.ARecord(this, 'Alias', { zone: this.zone, target: route53.RecordTarget.fromAlias(target) });
  }
}
