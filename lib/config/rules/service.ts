import { environmentField, ReportProblem } from '../errors';
import { partitionOfRegion } from '../regions';
import { ApiConfig, AppConfig } from '../types';

const ECR_REPOSITORY = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** A repository URI: its registry host is made of name characters too, so the name pattern alone accepts it. */
const ECR_REPOSITORY_URI = /^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com/;
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** CloudWatch Logs accepts only these retention periods. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
/** Fargate CPU units -> allowed memory in MiB. */
const FARGATE_MEMORY: Record<number, (m: number) => boolean> = {
  256: (m) => [512, 1024, 2048].includes(m),
  512: (m) => m >= 1024 && m <= 4096 && m % 1024 === 0,
  1024: (m) => m >= 2048 && m <= 8192 && m % 1024 === 0,
  2048: (m) => m >= 4096 && m <= 16384 && m % 1024 === 0,
  4096: (m) => m >= 8192 && m <= 30720 && m % 1024 === 0,
};

/** Each API's `service`: task counts, a Fargate size, log retention, image and alarm topic. */
export function serviceRules(config: AppConfig, report: ReportProblem): void {
  const partition = partitionOfRegion(config.region) ?? 'aws';
  config.environments.forEach((env, index) =>
    env.apis.forEach((api, ai) => checkService(api, `${environmentField(env, index)}.apis[${ai}].service`, config.region, partition, report)),
  );
}

function checkService(api: ApiConfig, sat: string, region: string, partition: string, report: ReportProblem): void {
  const s = api.service;
  if (!Number.isInteger(s.desiredCount) || s.desiredCount < 2) {
    report(`${sat}.desiredCount`, s.desiredCount, 'run at least 2 tasks so every AZ keeps a healthy target through a deployment or an AZ failure.');
  }
  if (!Number.isInteger(s.minCapacity) || s.minCapacity < 2 || s.minCapacity > s.desiredCount) {
    report(`${sat}.minCapacity`, s.minCapacity, `use an integer from 2 to desiredCount (${s.desiredCount}).`);
  }
  if (!Number.isInteger(s.maxCapacity) || s.maxCapacity < s.desiredCount) {
    report(`${sat}.maxCapacity`, s.maxCapacity, `use an integer of at least desiredCount (${s.desiredCount}).`);
  }
  const memoryOk = FARGATE_MEMORY[s.cpu];
  if (!memoryOk) {
    report(`${sat}.cpu`, s.cpu, 'Fargate CPU must be one of 256, 512, 1024, 2048, 4096.');
  } else if (!memoryOk(s.memoryMiB)) {
    report(`${sat}.memoryMiB`, s.memoryMiB, `not a valid Fargate memory size for cpu ${s.cpu}; see the Fargate task size table (e.g. 256 -> 512/1024/2048).`);
  }
  if (!LOG_RETENTION_DAYS.includes(s.logRetentionDays)) {
    report(`${sat}.logRetentionDays`, s.logRetentionDays, `CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(', ')} days.`);
  }
  if (s.image.kind === 'ecr') {
    if (!ECR_REPOSITORY.test(s.image.repositoryName) || ECR_REPOSITORY_URI.test(s.image.repositoryName)) {
      report(`${sat}.image.repositoryName`, s.image.repositoryName, 'use the ECR repository name (not its URI), lowercase, e.g. "team/internal-api".');
    }
    if (!IMAGE_TAG.test(s.image.tag) || s.image.tag === 'latest') {
      report(`${sat}.image.tag`, s.image.tag, 'use an immutable tag such as a commit sha or version ("latest" makes deployments unrepeatable).');
    }
  }
  if (s.alarmTopicArn !== undefined && !new RegExp(`^arn:${partition}:sns:${region}:${api.account}:[A-Za-z0-9_-]{1,256}$`).test(s.alarmTopicArn)) {
    // CloudWatch alarms can only notify a topic in their own region.
    report(`${sat}.alarmTopicArn`, s.alarmTopicArn, `use the ARN of an SNS topic in the API's account ${api.account} and region ${region}, or omit it.`);
  }
}
