import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../tools/validate/summary';

/** A cloud-assembly directory holding only a validation report. */
function outdirWith(pluginReports: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'validate-summary-'));
  writeFileSync(join(dir, 'validation-report.json'), JSON.stringify({ version: '1', title: 'Validation Report', pluginReports }));
  return dir;
}

function capture(dir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = run(dir, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run validate summary', () => {
  test('one row per plugin with acknowledged and unacknowledged findings; 0 when all succeed', () => {
    const { code, out } = capture(outdirWith([
      { pluginName: 'AwsSolutions', conclusion: 'success', violations: [], suppressedViolations: [{}, {}] },
      { pluginName: 'cdk-validator-cfnguard', conclusion: 'success', violations: [] },
    ]));
    expect(code).toBe(0);
    expect(out.split('\n')).toEqual([
      'plugin                  conclusion  acknowledged  unacknowledged findings',
      '----------------------  ----------  ------------  -----------------------',
      'AwsSolutions            success                2                        0',
      'cdk-validator-cfnguard  success                0                        0',
    ]);
  });

  test('exits 1 when a plugin fails', () => {
    expect(capture(outdirWith([{ pluginName: 'AwsSolutions', conclusion: 'failure', violations: [{}] }])).code).toBe(1);
  });

  test('exits 1 without a report, saying how to make one', () => {
    const { code, err } = capture(mkdtempSync(join(tmpdir(), 'validate-summary-')));
    expect(code).toBe(1);
    expect(err).toContain('run `npx cdk synth -c compliance=full');
  });
});
