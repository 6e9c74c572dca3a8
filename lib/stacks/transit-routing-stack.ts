import { Construct } from 'constructs';
import { EnvironmentVpc } from '../config/shared-parameters';
import { EnvironmentConfig } from '../config/types';
import { IsolatedTransitRouting } from '../constructs/isolated-transit-routing';
import { SharedParameter } from '../constructs/shared-parameter';
import { AccountStack, AccountStackProps } from './account-stack';

/** Properties of {@link TransitRoutingStack}. */
export interface TransitRoutingStackProps extends AccountStackProps {
  /** The environment whose gateway this routes. */
  readonly environment: EnvironmentConfig;
  /** The gateway, from TransitHub in the same account (a plain cross-stack reference). */
  readonly transitGatewayId: string;
}

/**
 * In the network account, once every attachment exists: the gateway's route tables, so each
 * consumer reaches the APIs it calls and nothing else. Only the gateway's owner can associate attachments with its
 * route tables, and the attachment ids exist only after each VPC's stack deployed: they arrive
 * through the shared-parameter contract.
 */
export class TransitRoutingStack extends AccountStack {
  /** The route tables, associations and propagations. */
  public readonly routing: IsolatedTransitRouting;

  constructor(scope: Construct, id: string, props: TransitRoutingStackProps) {
    super(scope, id, props);
    const { config, environment } = props;
    const attachmentOf = (readerId: string, vpc: EnvironmentVpc) => SharedParameter.read(this, readerId, { config, environment, key: 'transit-attachment-id', vpc });
    this.routing = new IsolatedTransitRouting(this, 'Routing', {
      transitGatewayId: props.transitGatewayId,
      apiAttachmentIds: new Map(environment.apis.map((a) => [a.name, attachmentOf(`ApiAttachmentId-${a.name}`, { kind: 'api', name: a.name })])),
      consumerAttachmentIds: new Map(
        environment.consumers.map((c) => [c.name, attachmentOf(`ConsumerAttachmentId-${c.name}`, { kind: 'consumer', name: c.name })]),
      ),
      calls: new Map(environment.consumers.map((c) => [c.name, c.calls])),
    });
  }
}
