import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, BuiltApp } from '../lib/app';
import { exampleConfig } from '../lib/config/environments';
import { AppConfig, EnvironmentConfig } from '../lib/config/types';
import { EnvironmentStage } from '../lib/stages/environment-stage';

/** A deep, mutable copy of the example configuration for a test to bend. */
export type MutableConfig = { -readonly [K in keyof AppConfig]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The example config, deep-copied and changed by `edit`. */
export function configWith(edit: (config: MutableConfig) => void = () => {}): AppConfig {
  const copy = structuredClone(exampleConfig) as MutableConfig;
  edit(copy);
  return copy as AppConfig;
}

/** The feature flags of cdk.json, so tests synthesize exactly what `cdk synth` does. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CDK_JSON_CONTEXT: Record<string, unknown> = require('../cdk.json').context;

/**
 * Builds the whole app into a temporary directory (no cdk.out churn, tests can run in parallel).
 * aws-cdk-lib's built-in CloudFormation validation is about half of every synth; it stays on for
 * `cdk synth`, CI and the whole-app test (`cloudFormationValidation: true`), off elsewhere.
 */
export function buildTestApp(config: AppConfig = exampleConfig, options: { cloudFormationValidation?: boolean; bundling?: boolean } = {}): BuiltApp {
  return buildApp(config, {
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    // `bundling: false` skips esbuild for tests that never look at the Lambda code.
    context: options.bundling === false ? { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [] } : CDK_JSON_CONTEXT,
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  });
}

/** The synthesized template of one stack. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Every resource of a type in a template, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, { Properties?: Record<string, unknown>; DependsOn?: string[] }][] {
  return Object.entries(template.findResources(type)) as [string, { Properties?: Record<string, unknown>; DependsOn?: string[] }][];
}

/** Context that skips asset bundling (esbuild) in every stack: for tests that do not look at bundles. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/**
 * A bare stack for unit-testing one construct: cdk.json's feature flags, no asset bundling, and
 * its availability zones pinned (an env-bound stack would otherwise need a context lookup).
 */
export function bareStack(availabilityZones: readonly string[] = ['eu-west-1a', 'eu-west-1b'], account = '444444444444'): Stack {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...NO_BUNDLING }, builtinCloudFormationValidation: false });
  return new (class extends Stack {
    get availabilityZones() {
      return [...availabilityZones];
    }
  })(app, 'Test', { env: { account, region: 'eu-west-1' } });
}

/**
 * The example's environment called `name`. Tests look environments (and their stages) up by
 * name and read accounts and CIDRs from the configuration, so adding a consumer or an
 * environment to the example changes no test.
 */
export function exampleEnvironment(name: string): EnvironmentConfig {
  const env = exampleConfig.environments.find((e) => e.name === name);
  if (!env) throw new Error(`the example configuration has no environment "${name}"`);
  return env;
}

/** The stage of the environment called `name`. */
export function stageNamed(stages: readonly EnvironmentStage[], name: string): EnvironmentStage {
  const stage = stages.find((s) => s.environment.name === name);
  if (!stage) throw new Error(`no stage for environment "${name}"`);
  return stage;
}
