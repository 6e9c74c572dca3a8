import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Properties of {@link IsolatedTransitRouting}. */
export interface IsolatedTransitRoutingProps {
  /** The gateway whose routing this is; it must not associate or propagate attachments by default. */
  readonly transitGatewayId: string;
  /** The API VPC's attachment. */
  readonly apiAttachmentId: string;
  /** Each consumer VPC's attachment, by consumer name (the name keeps construct ids stable). */
  readonly consumerAttachmentIds: ReadonlyMap<string, string>;
}

/**
 * Two route tables on a transit gateway so consumers are isolated from each other: consumer
 * attachments are associated with a table that only the API propagates into, the API's attachment
 * with a table that every consumer propagates into. A consumer admin who adds a VPC route to
 * another consumer's CIDR sends the packets to the gateway, which has no route for them and drops
 * them. (With the gateway's default table, every attachment would reach every other.)
 */
export class IsolatedTransitRouting extends Construct {
  /** The table the API's attachment uses: a route to each consumer. */
  public readonly apiRouteTable: ec2.CfnTransitGatewayRouteTable;
  /** The table every consumer attachment uses: a route to the API only. */
  public readonly consumerRouteTable: ec2.CfnTransitGatewayRouteTable;

  constructor(scope: Construct, id: string, props: IsolatedTransitRoutingProps) {
    super(scope, id);
    const table = (tableId: string, name: string) =>
      new ec2.CfnTransitGatewayRouteTable(this, tableId, {
        transitGatewayId: props.transitGatewayId,
        tags: [{ key: 'Name', value: name }],
      });
    this.apiRouteTable = table('ApiRouteTable', 'api: routes to every consumer');
    this.consumerRouteTable = table('ConsumerRouteTable', 'consumers: route to the API only');

    new ec2.CfnTransitGatewayRouteTableAssociation(this, 'ApiAssociation', {
      transitGatewayAttachmentId: props.apiAttachmentId,
      transitGatewayRouteTableId: this.apiRouteTable.ref,
    });
    // The API's CIDR is learned by the consumers' table, and only it.
    new ec2.CfnTransitGatewayRouteTablePropagation(this, 'ApiPropagation', {
      transitGatewayAttachmentId: props.apiAttachmentId,
      transitGatewayRouteTableId: this.consumerRouteTable.ref,
    });
    for (const [name, attachmentId] of props.consumerAttachmentIds) {
      new ec2.CfnTransitGatewayRouteTableAssociation(this, `ConsumerAssociation-${name}`, {
        transitGatewayAttachmentId: attachmentId,
        transitGatewayRouteTableId: this.consumerRouteTable.ref,
      });
      // Each consumer's CIDR is learned by the API's table only: the way back for responses.
      new ec2.CfnTransitGatewayRouteTablePropagation(this, `ConsumerPropagation-${name}`, {
        transitGatewayAttachmentId: attachmentId,
        transitGatewayRouteTableId: this.apiRouteTable.ref,
      });
    }
  }
}
