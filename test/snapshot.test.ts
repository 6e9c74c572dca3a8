import { Stack } from 'aws-cdk-lib';
import { buildTestStages, configWith, firstEnvironmentOnly, stageNamed, templateOf } from './helpers';

/**
 * Snapshots of the Dev stacks, for reviewing template diffs in pull requests. They sit beside
 * the fine-grained assertions (which say what must hold); asset hashes and CDK metadata are
 * stripped so a code change in a Lambda or the image does not churn every snapshot.
 */
function normalized(stack: Stack): unknown {
  const template = templateOf(stack).toJSON();
  delete template.Resources?.CDKMetadata;
  delete template.Conditions?.CDKMetadataAvailable;
  return JSON.parse(
    JSON.stringify(template)
      .replace(/[0-9a-f]{64}(\.zip)?/g, '[asset-hash]')
      .replace(/CurrentVersion[0-9A-F]{8}[0-9a-f]{32}/g, 'CurrentVersion[hash]'),
  );
}

// Dev alone: its templates do not depend on the other environments' stages.
const { stages } = buildTestStages(configWith(firstEnvironmentOnly));
const dev = stageNamed(stages, 'dev');

describe('Dev stack snapshots (review aid; the assertions elsewhere are the contract)', () => {
  for (const stack of dev.node.children.filter((c): c is Stack => c instanceof Stack)) {
    test(stack.stackName, () => {
      expect(normalized(stack)).toMatchSnapshot();
    });
  }
});
