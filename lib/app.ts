import { App, AppProps } from 'aws-cdk-lib';
import { assertValidConfig } from './config/validate';
import { AppConfig } from './config/types';
import { EnvironmentStage, stageIdFor } from './stages/environment-stage';
import { addComplianceChecks, ComplianceLevel } from './compliance/compliance';
import { PipelineStack } from './pipeline/pipeline-stack';

/** What {@link buildApp} returns: the app and its stages, for tests and the pipeline. */
export interface BuiltApp {
  readonly app: App;
  readonly stages: readonly EnvironmentStage[];
  readonly pipeline: PipelineStack;
}

/**
 * Validates the configuration (every problem at once, before any construct exists), then builds
 * one Stage per environment and registers the compliance checks once, on the App.
 */
export function buildApp(config: AppConfig, appProps?: AppProps, compliance: ComplianceLevel = 'standard'): BuiltApp {
  assertValidConfig(config);
  const app = new App({
    ...appProps,
    postCliContext: {
      ...appProps?.postCliContext,
      // The CLI turns this off and reports findings itself, but only for the stacks it selected:
      // a plain `cdk synth` selects no stack inside a Stage, so findings there would pass
      // silently. The app keeps the duty, so every synth fails on an error-level finding.
      '@aws-cdk/core:failSynthOnValidationErrors': true,
    },
  });
  // Top-level stages serve `cdk deploy 'Dev/*'` per account; the pipeline holds its own
  // instances of the same class, deploying the same stack names.
  const stages = config.environments.map(
    (environment) => new EnvironmentStage(app, stageIdFor(environment), { config, environment }),
  );
  const pipeline = new PipelineStack(app, 'Pipeline', {
    config,
    account: config.accounts.tools,
    description: 'CDK pipeline: deploys every environment in order, dev to prod',
  });
  addComplianceChecks(app, compliance);
  return { app, stages, pipeline };
}
