import { ReportProblem } from '../errors';
import { partitionOfRegion } from '../regions';
import { AppConfig } from '../types';

/** In the region's partition; both prefixes: IAM requires the action prefix to match the one in the ARN (pipeline-stack.ts). */
const connectionArn = (partition: string) =>
  new RegExp(`^arn:${partition}:(codestar-connections|codeconnections):[a-z0-9-]+:\\d{12}:connection/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`);
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** `pipeline`: the source connection, repository and branch the pipeline deploys. */
export function pipelineRules(config: AppConfig, report: ReportProblem): void {
  const partition = partitionOfRegion(config.region) ?? 'aws';
  if (!connectionArn(partition).test(config.pipeline.connectionArn)) {
    report('pipeline.connectionArn', config.pipeline.connectionArn, `use the ARN of a CodeStar/CodeConnections connection, arn:${partition}:codeconnections:<region>:<tools account>:connection/<uuid> (or arn:${partition}:codestar-connections:... for one created before 2024).`);
  }
  if (!REPOSITORY.test(config.pipeline.repository)) {
    report('pipeline.repository', config.pipeline.repository, 'use "owner/repository" as the connection knows it.');
  }
  if (!config.pipeline.branch.trim()) report('pipeline.branch', config.pipeline.branch, 'name the branch the pipeline deploys, e.g. "main".');
}
