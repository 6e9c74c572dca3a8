/**
 * Lambda entry of the private-DNS wait: {@link handleWaitEvent} wired to EC2.
 *
 * `@aws-sdk/client-ec2` comes from the Lambda runtime (bundling keeps `@aws-sdk/*` external) and is
 * required untyped, through the two-call interface below: its type definitions added about 120 MB
 * and several seconds to every type-check of this project (measured with tsc), for two calls. The
 * interface was checked against client-ec2 3.1169.0's types when written.
 */
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { respondToCloudFormation } from '../../custom-resource/respond';
import { handleWaitEvent } from './wait';

interface Ec2Client {
  send(command: unknown): Promise<{ ServiceConfigurations?: { PrivateDnsNameConfiguration?: { State?: string; Name?: string; Value?: string } }[] }>;
}
interface Ec2Module {
  EC2Client: new (config: object) => Ec2Client;
  DescribeVpcEndpointServiceConfigurationsCommand: new (input: { ServiceIds: string[] }) => unknown;
  StartVpcEndpointServicePrivateDnsVerificationCommand: new (input: { ServiceId: string }) => unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- untyped on purpose, see above
const sdk = require('@aws-sdk/client-ec2') as Ec2Module;
const ec2 = new sdk.EC2Client({});

export const handler = async (event: CloudFormationCustomResourceEvent, context: Context): Promise<void> => {
  await handleWaitEvent(event, {
    async describe(serviceId) {
      const out = await ec2.send(new sdk.DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [serviceId] }));
      const dns = out.ServiceConfigurations?.[0]?.PrivateDnsNameConfiguration;
      return { state: dns?.State ?? 'unknown', txtName: dns?.Name, txtValue: dns?.Value };
    },
    async startVerification(serviceId) {
      await ec2.send(new sdk.StartVpcEndpointServicePrivateDnsVerificationCommand({ ServiceId: serviceId }));
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    remainingMs: () => context.getRemainingTimeInMillis(),
    respond: respondToCloudFormation,
  });
};
