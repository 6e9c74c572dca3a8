/**
 * Who connects to the internal API's load balancer, one choice: routed consumer VPCs by CIDR, or
 * consumers through a VPC endpoint service on the load balancer (PrivateLink).
 */
export abstract class ApiClients {
  /** Consumer VPCs reaching the load balancer over routes (transit gateway): each CIDR is admitted on 443. */
  public static fromCidrs(cidrs: readonly string[]): ApiClients {
    return new CidrClients(cidrs);
  }

  /**
   * Consumers arriving through a VPC endpoint service on this load balancer: the security group
   * admits no client CIDR, and its inbound rules are not applied to PrivateLink traffic. With
   * enforcement on, the rules would see each client's own private IP (AWS: "the source of the
   * traffic is the private IP address of the client, not the endpoint interface"), and consumer
   * CIDRs may overlap the API's and each other's in this mode, so a CIDR rule could not tell a
   * consumer from a host next to the load balancer. Who may connect is decided by the endpoint
   * service's allowed principals and each consumer's endpoint security group.
   */
  public static privateLink(): ApiClients {
    return new PrivateLinkClients();
  }

  /** The CIDRs admitted on 443; none for PrivateLink. */
  public abstract readonly cidrs: readonly string[];
  /** Whether the clients come through PrivateLink. */
  public abstract readonly privateLink: boolean;
}

class CidrClients extends ApiClients {
  public readonly privateLink = false;
  constructor(public readonly cidrs: readonly string[]) {
    super();
    if (cidrs.length === 0) {
      throw new Error('ApiClients.fromCidrs([]): no client CIDR; list the consumer VPC CIDRs that may call the API, or use ApiClients.privateLink().');
    }
  }
}

class PrivateLinkClients extends ApiClients {
  public readonly privateLink = true;
  public readonly cidrs: readonly string[] = [];
}
