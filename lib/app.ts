import { App, AppProps } from 'aws-cdk-lib';
import { assertValidConfig } from './config/validate';
import { AppConfig } from './config/types';
import { EnvironmentStage, stageIdFor } from './stages/environment-stage';
import { addComplianceChecks } from './compliance/compliance';

/** What {@link buildApp} returns: the app and its stages, for tests and the pipeline. */
export interface BuiltApp {
  readonly app: App;
  readonly stages: readonly EnvironmentStage[];
}

/**
 * Validates the configuration (every problem at once, before any construct exists), then builds
 * one Stage per environment and registers the compliance checks once, on the App.
 */
export function buildApp(config: AppConfig, appProps?: AppProps): BuiltApp {
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
  const stages = config.environments.map(
    (environment) => new EnvironmentStage(app, stageIdFor(environment), { config, environment }),
  );
  addComplianceChecks(app);
  return { app, stages };
}
