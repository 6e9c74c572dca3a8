import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RetainedLogGroup } from '../../lib/constructs/retained-log-group';
import { testApp } from '../helpers';

function build(define: (stack: Stack) => void): Template {
  const stack = new Stack(testApp(), 'Test');
  define(stack);
  return Template.fromStack(stack);
}

describe('RetainedLogGroup', () => {
  test('is encrypted with the stack key, retained on delete and replace, one month by default', () => {
    const template = build((stack) => new RetainedLogGroup(stack, 'Logs'));
    const [[, group]] = Object.entries(template.findResources('AWS::Logs::LogGroup'));
    expect(group).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { RetentionInDays: logs.RetentionDays.ONE_MONTH } });
    const [keyId] = Object.keys(template.findResources('AWS::KMS::Key'));
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('takes the retention and the name it is given', () => {
    const template = build((stack) => new RetainedLogGroup(stack, 'Logs', { retention: logs.RetentionDays.SIX_MONTHS, logGroupName: '/aws/appsync/apis/x' }));
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: logs.RetentionDays.SIX_MONTHS, LogGroupName: '/aws/appsync/apis/x' });
  });

  test('keeps the logical id a LogGroup of the same id had, so switching to it replaces no log group', () => {
    const inScope = (stack: Stack) => new Construct(stack, 'Owner');
    const before = build((stack) => new logs.LogGroup(inScope(stack), 'Logs'));
    const after = build((stack) => new RetainedLogGroup(inScope(stack), 'Logs'));
    expect(Object.keys(after.findResources('AWS::Logs::LogGroup'))).toEqual(Object.keys(before.findResources('AWS::Logs::LogGroup')));
  });

  test('shares one key among the log groups of a stack', () => {
    const template = build((stack) => {
      new RetainedLogGroup(stack, 'One');
      new RetainedLogGroup(stack, 'Two');
    });
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toHaveLength(1);
  });
});
