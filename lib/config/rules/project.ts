import { ReportProblem } from '../errors';
import { AppConfig } from '../types';

const PROJECT_NAME = /^[a-z][a-z0-9-]{1,23}$/;

/** `projectName`: it prefixes parameter and role names, whose limits it must respect. */
export function projectRules(config: AppConfig, report: ReportProblem): void {
  if (!PROJECT_NAME.test(config.projectName)) {
    report('projectName', config.projectName, 'use 2-24 lowercase letters, digits or dashes, starting with a letter (it prefixes parameter and role names).');
  }
}
