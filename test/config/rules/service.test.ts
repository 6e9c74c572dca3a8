import { serviceRules } from '../../../lib/config/rules/service';
import { problemAt, problemsOf } from './problems';

const SERVICE = 'environments[dev].apis[0].service';

describe('serviceRules', () => {
  test('the example is valid', () => expect(problemsOf(serviceRules, () => {})).toEqual([]));

  test('fails on a minimum capacity above the desired count', () => {
    expect(problemsOf(serviceRules, (c) => (c.environments[0].apis[0].service.minCapacity = c.environments[0].apis[0].service.desiredCount + 1))).toEqual([
      problemAt(`${SERVICE}.minCapacity`, /use an integer from 2 to desiredCount/),
    ]);
  });

  test('fails on a maximum capacity below the desired count', () => {
    expect(problemsOf(serviceRules, (c) => (c.environments[0].apis[0].service.maxCapacity = c.environments[0].apis[0].service.desiredCount - 1))).toEqual([
      problemAt(`${SERVICE}.maxCapacity`, /use an integer of at least desiredCount/),
    ]);
  });

  test('fails on a CPU size Fargate does not offer', () => {
    expect(problemsOf(serviceRules, (c) => (c.environments[0].apis[0].service.cpu = 384))).toEqual([problemAt(`${SERVICE}.cpu`, /Fargate CPU must be one of 256, 512, 1024, 2048, 4096/)]);
  });

  test('fails on a log retention CloudWatch Logs does not accept', () => {
    expect(problemsOf(serviceRules, (c) => (c.environments[0].apis[0].service.logRetentionDays = 31))).toEqual([problemAt(`${SERVICE}.logRetentionDays`, /CloudWatch Logs accepts only 1, 3, 5/)]);
  });

  test.each(['123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/api', 'Team/API', 'team//api'])('fails on the ECR repository name %p', (repositoryName) => {
    const image = { kind: 'ecr', repositoryName, tag: 'v1.2.3' };
    expect(problemsOf(serviceRules, (c) => (c.environments[0].apis[0].service.image = image))).toEqual([problemAt(`${SERVICE}.image.repositoryName`, /ECR repository name \(not its URI\)/)]);
  });

  test('accepts an ECR image by name and immutable tag, and an alarm topic in the api account and region', () => {
    expect(problemsOf(serviceRules, (c) => {
      c.environments[0].apis[0].service.image = { kind: 'ecr', repositoryName: 'team/internal-api', tag: 'v1.2.3' };
      c.environments[0].apis[0].service.alarmTopicArn = `arn:aws:sns:${c.region}:${c.environments[0].apis[0].account}:alerts`;
    })).toEqual([]);
  });
});
