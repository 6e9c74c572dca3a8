import { Template } from 'aws-cdk-lib/assertions';
import { PolicyDocumentJson } from '../../lib/config/lattice-policies';
import { LatticeServiceNetwork } from '../../lib/constructs/lattice-service-network';
import { bareStack } from '../helpers';

const POLICY: PolicyDocumentJson = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::555555555555:root' }, Action: 'vpc-lattice-svcs:Invoke', Resource: '*' }] };

describe('LatticeServiceNetwork', () => {
  test('IAM auth, with its auth policy on the network\'s ARN', () => {
    const stack = bareStack();
    const network = new LatticeServiceNetwork(stack, 'Network', { name: 'internal-api-dev', policy: POLICY });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::VpcLattice::ServiceNetwork', { Name: 'internal-api-dev', AuthType: 'AWS_IAM' });
    t.hasResourceProperties('AWS::VpcLattice::AuthPolicy', { Policy: POLICY, ResourceIdentifier: stack.resolve(network.serviceNetworkArn) });
  });

  test.each([['Internal-Api'], ['-dev'], ['a--b'], ['ab']])('refuses the name %s', (name) => {
    expect(() => new LatticeServiceNetwork(bareStack(), 'Network', { name, policy: POLICY })).toThrow(/service network name .* must be 3-63 lowercase letters/);
  });
});
