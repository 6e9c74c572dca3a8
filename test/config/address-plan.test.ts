import { addressPlan } from '../../lib/config/address-plan';
import { azIdPrefix } from '../../lib/config/availability-zones';

describe('addressPlan', () => {
  test('gives each AZ a fixed slot: workload from the start, transit from the end', () => {
    expect(addressPlan('10.10.0.0/20', 2, 22, 28)).toEqual({
      workload: ['10.10.0.0/22', '10.10.4.0/22'],
      transit: ['10.10.15.240/28', '10.10.15.224/28'],
    });
  });

  test('appending AZs never moves the slots of the earlier ones', () => {
    const two = addressPlan('10.120.0.0/20', 2, 22, 28)!;
    const three = addressPlan('10.120.0.0/20', 3, 22, 28)!;
    expect(three.workload.slice(0, 2)).toEqual(two.workload);
    expect(three.transit.slice(0, 2)).toEqual(two.transit);
  });

  test('refuses a plan whose two ends meet', () => {
    expect(addressPlan('10.10.0.0/20', 3, 22, 28)).toBeDefined();
    expect(addressPlan('10.10.0.0/20', 4, 22, 28)).toBeUndefined();
    expect(addressPlan('10.10.0.0/20', 4, 23, 28)).toBeDefined();
  });
});

describe('azIdPrefix', () => {
  test.each([
    ['eu-west-1', 'euw1'],
    ['us-east-1', 'use1'],
    ['ap-northeast-1', 'apne1'],
    ['ap-southeast-2', 'apse2'],
    ['eu-central-1', 'euc1'],
    ['us-gov-west-1', 'usgw1'],
    ['cn-northwest-1', 'cnnw1'],
  ])('%s -> %s', (region, prefix) => {
    expect(azIdPrefix(region)).toBe(prefix);
  });
});
