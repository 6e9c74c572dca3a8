/**
 * `npm run measure:local`'s entry point, run as the README runs it: the --json report is the only
 * thing on stdout (the in-process resolver's per-request log lines used to interleave with it), and
 * a command-line mistake exits 2.
 */
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..', '..');

test('measure:local --json prints one JSON report: N sequential queries over one TLS connection', async () => {
  const args = ['-r', 'ts-node/register/transpile-only', 'tools/local/measure.ts', '--sequential', '5', '--duration', '0', '--json'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT });
  const report = JSON.parse(stdout) as { sequential: { queries: number; tlsHandshakes: number }; load?: unknown; totals: Record<string, number> };
  expect(report.sequential).toMatchObject({ queries: 5, tlsHandshakes: 1 });
  expect(report.load).toBeUndefined();
  expect(report.totals.resolverErrors).toBe(0);
});

test('a command-line mistake is named on stderr and exits 2, as in the other scripts', () => {
  const args = ['-r', 'ts-node/register/transpile-only', 'tools/local/measure.ts', '--query', 'all'];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toContain('error: --query must be item or page');
  expect(result.status).toBe(2);
});
