import { App, AppProps } from 'aws-cdk-lib';
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
 * Builds one Stage per environment and the pipeline, and registers the compliance checks once, on
 * the App. The configuration must already be valid: `loadConfig` (lib/config/load.ts) returns only
 * a validated one, reporting every problem at once before any construct exists.
 */
export function buildApp(config: AppConfig, appProps?: AppProps, compliance: ComplianceLevel = 'standard'): BuiltApp {
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
  // One instance of each environment stage, at the top level: `cdk deploy -e 'Dev/ApiService'`
  // and the pipeline deploy the very same templates (a second copy inside the pipeline would give
  // logical ids that differ by construct path, and synthesize everything twice).
  const stages = buildStages(app, config);
  const pipeline = new PipelineStack(app, 'Pipeline', {
    config,
    stages,
    account: config.accounts.tools,
    description: 'CDK pipeline: deploys every environment in order, dev to prod',
  });
  addComplianceChecks(app, compliance);
  return { app, stages, pipeline };
}

/**
 * One EnvironmentStage per environment, at the top level of `app`. {@link buildApp} adds the
 * pipeline and the compliance checks; tests and `npm run docs` (which prices the stages) use this
 * alone. The configuration must already be valid.
 */
export function buildStages(app: App, config: AppConfig): EnvironmentStage[] {
  return config.environments.map((environment) => new EnvironmentStage(app, stageIdFor(environment), { config, environment }));
}
