import { resolve } from 'node:path';
import { ConfigError } from '../config/errors';

/**
 * The JSON configuration to build: the `config` key that cdk.json commits, which the pipeline's synth
 * step (a plain `npx cdk synth` in a clone of the repository) reads too. A `-c config=<file>` may
 * only repeat it: a pipeline deployed from another configuration would build the committed one on
 * its first self-mutation and deploy it, to other accounts. `undefined`: the typed example.
 *
 * @param context the app's context (cdk.json's merged with the command line's)
 * @param committed the `context` of the repository's cdk.json
 */
export function committedConfigPath(context: Readonly<Record<string, unknown>>, committed: Readonly<Record<string, unknown>>): string | undefined {
  const asPath = (value: unknown, where: string): string | undefined => {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string') throw new ConfigError(`${where} "config" = ${JSON.stringify(value)}: must be the path of a JSON configuration file, e.g. "config/my-config.json".`);
    return value;
  };
  const chosen = asPath(context.config, 'context');
  const inRepository = asPath(committed.config, 'cdk.json context');
  const same = chosen === undefined || inRepository === undefined ? chosen === inRepository : resolve(chosen) === resolve(inRepository);
  if (!same) {
    const committedText = inRepository === undefined ? 'no "config" (the typed example in lib/config/environments.ts)' : `"config": "${inRepository}"`;
    throw new ConfigError(
      `-c config=${chosen ?? ''} differs from cdk.json, which commits ${committedText}. The pipeline's synth builds what the repository commits, so a deploy from another configuration would be undone by its first self-mutation. Fix: set "config": "${chosen ?? ''}" in cdk.json's "context" and commit it with the file${inRepository === undefined ? '' : `, or drop -c config= to build ${inRepository}`}.`,
    );
  }
  return chosen;
}
