import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { committedConfigPath } from '../../lib/pipeline/committed-config';
import { SYNTH_COMMANDS } from '../../lib/pipeline/pipeline-stack';

const ROOT = join(__dirname, '..', '..');

describe('the configuration the pipeline builds is the one the repository commits', () => {
  test('the committed cdk.json key is what is built; -c config= may repeat it', () => {
    expect(committedConfigPath({ config: 'config/mine.json' }, { config: 'config/mine.json' })).toBe('config/mine.json');
    expect(committedConfigPath({ config: './config/mine.json' }, { config: 'config/mine.json' })).toBe('./config/mine.json');
    expect(committedConfigPath({}, {})).toBeUndefined();
  });

  test('fails when -c config= names a file cdk.json does not commit, naming both and the fix', () => {
    expect(() => committedConfigPath({ config: 'mine.json' }, {})).toThrow(
      '-c config=mine.json differs from cdk.json, which commits no "config" (the typed example in lib/config/environments.ts). The pipeline\'s synth builds what the repository commits, so a deploy from another configuration would be undone by its first self-mutation. Fix: set "config": "mine.json" in cdk.json\'s "context" and commit it with the file.',
    );
    expect(() => committedConfigPath({ config: 'other.json' }, { config: 'mine.json' })).toThrow(/commits "config": "mine.json".*or drop -c config= to build mine.json\./);
    expect(() => committedConfigPath({ config: 7 }, {})).toThrow('context "config" = 7: must be the path of a JSON configuration file, e.g. "config/my-config.json".');
  });

  test('the pipeline\'s synth reads cdk.json: no command line of its own chooses a configuration', () => {
    const synths = SYNTH_COMMANDS.filter((c) => c.includes('cdk synth') || c.includes('validate'));
    expect(synths.length).toBeGreaterThan(0);
    for (const command of synths) expect(command).not.toMatch(/-c\s*config=|--context\s*config=/);
  });

  test('the repository commits no configuration: a fresh clone builds the typed example', () => {
    const cdkJson = JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdkJson.context.config).toBeUndefined();
  });

  test('bin/app.ts reads the committed key: a -c config= that cdk.json does not commit exits 1 before any synth', () => {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', 'bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ config: 'config/example.json' }), CDK_OUTDIR: join(ROOT, 'cdk.out.never') },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('-c config=config/example.json differs from cdk.json, which commits no "config"');
  });
});
