import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * Registers the cdk-nag packs once, on the App. In cdk-nag v3 a registration on the App reaches
 * the stacks inside every Stage; registering on a Stage as well would report each finding twice.
 */
export function addComplianceChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}
