import { ReportProblem } from '../errors';
import { AppConfig } from '../types';

const ENV_NAME = /^[a-z][a-z0-9]{0,15}$/;
/** Stage ids that other top-level constructs of the app already use. */
const RESERVED_STAGE_IDS = ['Pipeline'];

/** `environments`: at least one, each with a unique name that can name its Stage. */
export function environmentRules(config: AppConfig, report: ReportProblem): void {
  if (config.environments.length === 0) report('environments', [], 'define at least one environment.');
  const seenNames = new Map<string, number>();
  config.environments.forEach((env, index) => {
    if (!ENV_NAME.test(env.name)) {
      report(`environments[${index}].name`, env.name, 'use 1-16 lowercase letters or digits, starting with a letter (e.g. "dev"); it names the Stage.');
    }
    if (RESERVED_STAGE_IDS.includes(env.name.charAt(0).toUpperCase() + env.name.slice(1))) {
      report(`environments[${index}].name`, env.name, `"${env.name}" would name its Stage like the pipeline stack; choose another name.`);
    }
    const earlier = seenNames.get(env.name.toLowerCase());
    if (earlier !== undefined) {
      report(`environments[${index}].name`, env.name, `environment names must be unique; environments[${earlier}] is already "${env.name}". Rename one.`);
    } else {
      seenNames.set(env.name.toLowerCase(), index);
    }
  });
}
