import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Properties of {@link IsolatedTransitRouting}. */
export interface IsolatedTransitRoutingProps {
  /** The gateway whose routing this is; it must not associate or propagate attachments by default. */
  readonly transitGatewayId: string;
  /** Each API VPC's attachment, by API name (the names keep construct ids stable). */
  readonly apiAttachmentIds: ReadonlyMap<string, string>;
  /** Each consumer VPC's attachment, by consumer name. */
  readonly consumerAttachmentIds: ReadonlyMap<string, string>;
  /** The access matrix: the names of the APIs each consumer may call, by consumer name. */
  readonly calls: ReadonlyMap<string, readonly string[]>;
}

/**
 * The access matrix as transit gateway routing: one route table per VPC. An API's attachment is
 * associated with its own table, into which only its callers propagate (the way back for
 * responses); a consumer's with its own table, into which only the APIs it calls propagate. A
 * consumer admin who adds a VPC route to another consumer, or to an API the matrix does not give
 * it, sends packets to the gateway, which has no route for them and drops them. (With the
 * gateway's default table, every attachment would reach every other.)
 *
 * Consumers with the same calls could share a table, but an attachment is associated with one
 * table at a time, and CloudFormation creates a replacement association before it deletes the old
 * one: a consumer granted one more API would move tables and fail its deploy. With a table each,
 * a grant or a revocation adds or removes propagations only.
 */
export class IsolatedTransitRouting extends Construct {
  /** Each API's table (routes to its callers), by API name. */
  public readonly apiRouteTables: ReadonlyMap<string, ec2.CfnTransitGatewayRouteTable>;
  /** Each consumer's table (routes to the APIs it calls), by consumer name. */
  public readonly consumerRouteTables: ReadonlyMap<string, ec2.CfnTransitGatewayRouteTable>;

  constructor(scope: Construct, id: string, props: IsolatedTransitRoutingProps) {
    super(scope, id);
    const table = (tableId: string, name: string, attachmentId: string) => {
      const routeTable = new ec2.CfnTransitGatewayRouteTable(this, tableId, {
        transitGatewayId: props.transitGatewayId,
        tags: [{ key: 'Name', value: name }],
      });
      new ec2.CfnTransitGatewayRouteTableAssociation(this, tableId.replace('RouteTable', 'Association'), {
        transitGatewayAttachmentId: attachmentId,
        transitGatewayRouteTableId: routeTable.ref,
      });
      return routeTable;
    };
    const apiTables = new Map<string, ec2.CfnTransitGatewayRouteTable>();
    for (const [api, attachmentId] of props.apiAttachmentIds) {
      apiTables.set(api, table(`ApiRouteTable-${api}`, `api ${api}: routes to its callers`, attachmentId));
    }
    const consumerTables = new Map<string, ec2.CfnTransitGatewayRouteTable>();
    for (const [consumer, attachmentId] of props.consumerAttachmentIds) {
      const routeTable = table(`ConsumerRouteTable-${consumer}`, `consumer ${consumer}: routes to the APIs it calls`, attachmentId);
      consumerTables.set(consumer, routeTable);
      for (const api of props.calls.get(consumer) ?? []) {
        const apiTable = apiTables.get(api);
        const apiAttachmentId = props.apiAttachmentIds.get(api);
        if (!apiTable || !apiAttachmentId) throw new Error(`${this.node.path}: consumer "${consumer}" calls "${api}", which has no attachment here; give every API in calls its attachment.`);
        // The API's CIDR is learned by this consumer's table, and this consumer's by the API's.
        new ec2.CfnTransitGatewayRouteTablePropagation(this, `ApiPropagation-${api}-${consumer}`, {
          transitGatewayAttachmentId: apiAttachmentId,
          transitGatewayRouteTableId: routeTable.ref,
        });
        new ec2.CfnTransitGatewayRouteTablePropagation(this, `ConsumerPropagation-${consumer}-${api}`, {
          transitGatewayAttachmentId: attachmentId,
          transitGatewayRouteTableId: apiTable.ref,
        });
      }
    }
    this.apiRouteTables = apiTables;
    this.consumerRouteTables = consumerTables;
  }
}
