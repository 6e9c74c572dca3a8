import { ConfigProblem, ConfigValidationError, ReportProblem } from './errors';
import { accountRules } from './rules/accounts';
import { apiRules } from './rules/apis';
import { connectivityRules, latticeNameRules } from './rules/connectivity';
import { consumerRules } from './rules/consumers';
import { dnsRules } from './rules/dns';
import { environmentRules } from './rules/environments';
import { networkRules } from './rules/network';
import { pipelineRules } from './rules/pipeline';
import { projectRules } from './rules/project';
import { quotaRules } from './rules/quotas';
import { regionRules } from './rules/region';
import { serviceRules } from './rules/service';
import { AppConfig } from './types';

/**
 * The semantic rules, one function per section of the configuration, in the order their
 * problems are listed. They assume the shape the schema (or the TypeScript type) guarantees,
 * so none re-checks a key, a type or an allowed value.
 */
const RULES: readonly ((config: AppConfig, report: ReportProblem) => void)[] = [
  projectRules,
  regionRules,
  accountRules,
  dnsRules,
  pipelineRules,
  environmentRules,
  apiRules,
  connectivityRules,
  latticeNameRules,
  consumerRules,
  networkRules,
  serviceRules,
  quotaRules,
];

/**
 * Checks the whole configuration and returns every problem found (empty when valid).
 * Pure: builds nothing, reads nothing but its argument.
 */
export function validateConfig(config: AppConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const report: ReportProblem = (field, value, fix) => problems.push({ field, value, fix });
  for (const rule of RULES) rule(config, report);
  return problems;
}

/** Throws a {@link ConfigValidationError} listing every problem, or returns the config unchanged. */
export function assertValidConfig(config: AppConfig): AppConfig {
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}
