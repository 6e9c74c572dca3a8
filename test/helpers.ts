import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { buildApp, buildStages, BuiltApp } from '../lib/app';
import { loadApiRuntime, mergedSchema } from '../lib/config/api-runtime';
import { exampleConfig } from '../lib/config/environments';
import { AppConfig, EnvironmentConfig } from '../lib/config/types';
import { assertValidConfig } from '../lib/config/validate';
import type { GraphqlConsumerProps } from '../lib/constructs/graphql-consumer';
import { EnvironmentStage } from '../lib/stages/environment-stage';

/** Freezes `value` and everything it holds, and returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// The tests of a file share one exampleConfig (and one build of it, exampleTestApp): none may
// change it (a test bends a copy, configWith), and neither may the code under test. Frozen, a
// write throws.
deepFreeze(exampleConfig);

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

/** Context that skips asset bundling in every stack. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] as string[] };

/** Options of the test builders. */
export interface TestBuildOptions {
  /**
   * Run aws-cdk-lib's built-in CloudFormation validation (about half of every synth). It stays on
   * for `cdk synth`, CI and the whole-app test.
   * @default false
   */
  readonly cloudFormationValidation?: boolean;
  /**
   * Construct paths (globs) of the stacks whose assets are bundled with esbuild. Bundling is most
   * of a build's time and only a test that reads a bundle needs it; the others get a one-line
   * placeholder in its place (templates are otherwise the same).
   * @default - none
   */
  readonly bundlingStacks?: readonly string[];
  /**
   * Bundle every stack's assets (same as `bundlingStacks: ['**']`).
   * @default false
   */
  readonly bundling?: boolean;
}

/** The App's props for a test build: cdk.json's context, a temporary outdir, the options. */
function testAppProps(options: TestBuildOptions) {
  return {
    // A temporary directory: no cdk.out churn, and suites can run in parallel.
    outdir: mkdtempSync(join(tmpdir(), 'cdk-test-')),
    context: {
      ...CDK_JSON_CONTEXT,
      'aws:cdk:bundling-stacks': options.bundling ? ['**'] : [...(options.bundlingStacks ?? [])],
      // No creation stack trace on every CloudFormation element: it goes to the assembly's
      // metadata only (no template changes), and capturing it through jest's source maps was
      // about 5% of the suite's CPU time (CPU profile, 3.9 of 96 s).
      'aws:cdk:disable-creation-stack-traces': true,
    },
    builtinCloudFormationValidation: options.cloudFormationValidation ?? false,
  };
}

/**
 * An empty App as the test builders make it: cdk.json's context, a temporary outdir, and no
 * built-in CloudFormation validation unless asked (a bare `new App()` runs it, and its first
 * synth in a jest file loads the resource schemas: about 2.5 s and 300 MB).
 */
export function testApp(options: TestBuildOptions = {}): App {
  return new App(testAppProps(options));
}

/**
 * Builds the whole app (every environment stage, the pipeline, cdk-nag) as `cdk synth` does,
 * without bundling unless asked. The pipeline synthesizes every stage while it is built: a test
 * that looks only at an environment's stacks is cheaper with {@link buildTestStages}.
 */
export function buildTestApp(config: AppConfig = exampleConfig, options: TestBuildOptions = {}): BuiltApp {
  assertValidConfig(config);
  return buildApp(config, testAppProps(options));
}

/**
 * The environment stages alone, as the app builds them, validated config included: no pipeline
 * and no cdk-nag (the whole-app test runs those). About half the cost of {@link buildTestApp}.
 */
export function buildTestStages(config: AppConfig = exampleConfig, options: TestBuildOptions = {}): { app: App; stages: EnvironmentStage[] } {
  assertValidConfig(config);
  const app = new App(testAppProps(options));
  return { app, stages: buildStages(app, config) };
}

/**
 * `build`'s result, built on the first call and kept for the file's life. A file builds what its
 * tests need through this (or in a `beforeAll`), never while jest loads it: a build that throws
 * then fails the tests that use it, not the whole file before any test ran.
 */
export function memo<T>(build: () => T): () => T {
  let built: { readonly value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}

/** Builds kept for the test file's life (jest gives each file its own module registry): see {@link exampleTestApp}. */
const shared: { app?: BuiltApp; stages?: { app: App; stages: EnvironmentStage[] } } = {};

/** `built`, synthesized (every later synth returns that assembly) and locked: adding a construct to it throws. */
function synthesizedAndLocked<T extends { app: App }>(built: T): T {
  built.app.synth();
  built.app.node.lock();
  return built;
}

/**
 * The example app as {@link buildTestApp} builds it with no options, built on the first call and
 * shared by every test of the file that only reads it. It comes synthesized and locked, so that no
 * test can change what the others read: a test that plants a construct builds its own app.
 */
export function exampleTestApp(): BuiltApp {
  return (shared.app ??= synthesizedAndLocked(buildTestApp()));
}

/** The example's stages as {@link buildTestStages} builds them with no options, shared and locked as {@link exampleTestApp} is. */
export function exampleTestStages(): { app: App; stages: EnvironmentStage[] } {
  return (shared.stages ??= synthesizedAndLocked(buildTestStages()));
}

/** The example config reduced to its first environment: for variant builds of one stage. */
export function firstEnvironmentOnly(config: MutableConfig): void {
  config.environments = config.environments.slice(0, 1);
}

/** The synthesized template of one stack. */
export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** Every resource of a type in a template, as [logicalId, resource] pairs. */
export function resourcesOf(template: Template, type: string): [string, { Properties?: Record<string, unknown>; DependsOn?: string[] }][] {
  return Object.entries(template.findResources(type)) as [string, { Properties?: Record<string, unknown>; DependsOn?: string[] }][];
}

/**
 * A bare stack for unit-testing one construct: cdk.json's feature flags, its availability zones
 * pinned (an env-bound stack would otherwise need a context lookup), no bundling unless asked.
 */
export function bareStack(availabilityZones: readonly string[] = ['eu-west-1a', 'eu-west-1b'], account = '444444444444', options: TestBuildOptions = {}): Stack {
  return new (class extends Stack {
    get availabilityZones() {
      return [...availabilityZones];
    }
  })(new App(testAppProps(options)), 'Test', { env: { account, region: 'eu-west-1' } });
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

/** GraphqlConsumer props for one API with the catalogue's runtime (`apis` and `schema`), for construct tests. */
export function catalogueConsumerApis(destination = ec2.Peer.ipv4('10.10.0.0/20'), baseUrl = 'https://catalogue.dev.example.com'): Pick<GraphqlConsumerProps, 'apis' | 'schema'> {
  const runtime = loadApiRuntime('api-service');
  return { apis: [{ name: 'catalogue', destination, baseUrl, resolverEntry: runtime.graphql.resolverEntry, graphql: runtime.graphql }], schema: mergedSchema([runtime]) };
}
