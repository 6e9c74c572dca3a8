import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stageIdFor } from '../../../lib/stages/environment-stage';
import { blockRanges, withBlocks } from '../../../tools/shared/blocks';
import { costSummary, generatedBlocks, ROOT, staleness, writeAll } from '../../../tools/docs/main';
import { privateLinkConfig } from '../../stages/privatelink-config';
import { configWith } from '../../helpers';

describe('npm run docs', () => {
  test('every generated file and README/docs block is identical to the generator\'s output (else: npm run docs -- --write)', () => {
    expect(staleness()).toEqual([]);
  });

  test('a block is replaced wherever its markers are, every occurrence, and nothing else', () => {
    const blocks = [{ name: 'stage-order', content: '`Dev`, then `Prod`' }];
    const text = 'a <!-- stage-order:start -->old<!-- stage-order:end --> b <!-- stage-order:start --><!-- stage-order:end --> c';
    expect(withBlocks(text, blocks, 'x.md').text).toBe('a <!-- stage-order:start -->`Dev`, then `Prod`<!-- stage-order:end --> b <!-- stage-order:start -->`Dev`, then `Prod`<!-- stage-order:end --> c');
    expect(() => blockRanges('<!-- stage-order:start --> no end', 'stage-order', 'x.md')).toThrow('x.md: unpaired <!-- stage-order:start --> / <!-- stage-order:end --> markers');
  });

  test('a changed configuration makes the blocks stale, and --write makes them identical again', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-'));
    for (const path of ['README.md', 'docs', 'config']) cpSync(join(ROOT, path), join(root, path), { recursive: true });
    const staging = configWith((c) => {
      const qa = structuredClone(c.environments[0]);
      qa.apis = qa.apis.map((a: { name: string }, i: number) => ({ ...a, account: `19191919191${i}`, domain: `${a.name}.qa.example.com` }));
      c.environments.splice(1, 0, { ...qa, name: 'qa' });
    });
    expect(staleness(staging, root)).toEqual(expect.arrayContaining(['config/example.json', 'README.md (diagram)', 'docs/deploying.md (bootstrap-commands)', 'docs/architecture.md (stage-order)', 'docs/cost.md (cost-summary)']));
    writeAll(staging, root);
    expect(staleness(staging, root)).toEqual([]);
    expect(readFileSync(join(root, 'docs', 'deploying.md'), 'utf8')).toContain('`Dev`, `Qa`, ');
    expect(generatedBlocks(staging).find((b) => b.name === 'deploy-commands')!.content).toContain(`npx cdk deploy -e '${stageIdFor(staging.environments[1])}/ApiNetwork-${staging.environments[1].apis[0].name}'`);
  });

  test('a block whose markers were removed is reported, not silently skipped', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-'));
    for (const path of ['README.md', 'docs', 'config']) cpSync(join(ROOT, path), join(root, path), { recursive: true });
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    writeFileSync(join(root, 'README.md'), readme.replace('<!-- diagram:start -->', '').replace('<!-- diagram:end -->', ''));
    expect(staleness(undefined, root)).toEqual(['<!-- diagram:start --> (no markers in README.md or docs/*.md)']);
  });

  test('the cost summary prices each environment in the mode it uses (bold), the other mode beside it', () => {
    const row = (summary: string, stage: string) => summary.split('\n').find((l) => l.startsWith(`| ${stage} (`))!.split('|').map((c) => c.trim());
    const dollars = (cell: string) => Number(cell.replace(/[*$,]/g, ''));
    const tgw = row(costSummary(privateLinkConfig), stageIdFor(privateLinkConfig.environments[1]));
    const pl = row(costSummary(privateLinkConfig), stageIdFor(privateLinkConfig.environments[0]));
    // columns: '', environment, connectivity, transit gateway, PrivateLink, VPC Lattice, public ALB, API Gateway, ''
    expect(pl[2]).toBe('PrivateLink');
    expect(pl[4]).toMatch(/^\*\*\$[\d,.]+\*\*$/);
    expect(pl[3]).not.toContain('**');
    expect(tgw[2]).toBe('transit gateway');
    expect(tgw[3]).toMatch(/^\*\*\$[\d,.]+\*\*$/);
    // Dev's two consumers reuse the API's CIDR: only PrivateLink can serve them, and it is the cheaper path here.
    expect(dollars(pl[4])).toBeLessThan(dollars(pl[3]));
    expect(pl[1]).toBe(`${stageIdFor(privateLinkConfig.environments[0])} (2 consumers, 2 AZs)`);
  });
});
