import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TerminationProtection } from '../../lib/constructs/termination-protection';
import { testApp } from '../helpers';

describe('TerminationProtection', () => {
  test('refuses a stack whose manifest says it is unprotected (the CLI would turn protection off on its next deploy)', () => {
    const stack = new Stack(testApp(), 'Unprotected');
    expect(() => TerminationProtection.of(stack)).toThrow(/Unprotected: terminationProtection is false; set terminationProtection: true/);
  });

  test('on a protected stack, runs after everything else in it', () => {
    const stack = new Stack(testApp(), 'Protected', { terminationProtection: true });
    new sns.Topic(stack, 'Topic');
    TerminationProtection.of(stack);
    const [enable] = Object.values(Template.fromStack(stack).findResources('Custom::AWS')) as { DependsOn?: string[] }[];
    expect(enable.DependsOn).toEqual(expect.arrayContaining(['TopicBFC7AF6E']));
  });
});
