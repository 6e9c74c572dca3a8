/**
 * Everything in the repository that is computed from the configuration, written by one command:
 *
 *   npm run docs                  check: list each generated file and block, exit 1 if any is stale
 *   npm run docs -- --write       regenerate them
 *
 * Files: config/config.schema.json and config/example.json. Blocks (diagram, commands, stage order,
 * and the cost summary, which synthesizes the stages): the text between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->` in README.md or any docs/*.md (wherever the
 * markers are; a block may appear in several places). test/tools/docs/docs.test.ts fails when
 * anything differs from this script's output, character for character.
 *
 * The update-safety table of docs/deploying.md (update-safety.ts) needs six whole-app synths and
 * CloudFormation diffs: this command checks and writes it, test/update-safety.test.ts fails when it
 * is stale, and `staleness()` and `writeAll()` leave it out unless given it (test/tools/docs/docs.test.ts
 * would repeat those synths).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exampleConfig } from '../../lib/config/environments';
import { configJsonSchema } from '../../lib/config/schema';
import { AppConfig } from '../../lib/config/types';
import { stageIdFor } from '../../lib/stages/environment-stage';
import { parseCommandLine, runScript, STDIO } from '../shared/cli';
import { fenced, GeneratedBlock, markers, withBlocks } from '../shared/blocks';
import { buildReport, costSummaryMarkdown } from '../cost/main';
import { crossoverBlock, platformBlock } from '../cost/platform';
import { withSynthesizedStages } from '../cost/synth';
import { deployCommands } from '../deploy/commands';
import { renderDiagram } from '../diagram/render';
import { updateSafetyBlock } from './update-safety';

/** Where the repository is, so the script works from any directory. */
export const ROOT = join(__dirname, '..', '..');

/**
 * The generated files, each with its path from the repository root and its whole content: the JSON
 * Schema editors use, and the example configuration as JSON (the same values as
 * lib/config/environments.ts, so a JSON user starts from what the tests check).
 */
function generatedFiles(config: AppConfig): { readonly path: string; readonly content: string }[] {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return [
    { path: 'config/config.schema.json', content: json(configJsonSchema()) },
    { path: 'config/example.json', content: json({ $schema: './config.schema.json', ...config }) },
  ];
}

const costSummaries = new WeakMap<AppConfig, string>();

/**
 * The `cost-summary` block: `npm run cost`'s per-environment totals for this configuration. The
 * environment stages are synthesized in process (cdk.json's feature flags, no bundling, no
 * pipeline: the block shows environments only) into a temporary directory that is removed after.
 * Memoized per configuration object: one synth per check or write.
 */
export function costSummary(config: AppConfig): string {
  const cached = costSummaries.get(config);
  if (cached !== undefined) return cached;
  const report = withSynthesizedStages(config, (assembly) => buildReport({ assembly, workload: join(ROOT, 'tools', 'cost', 'workload.json'), pricesDir: join(ROOT, 'tools', 'cost', 'prices') }));
  const summary = `\n${costSummaryMarkdown(report)}\n`;
  costSummaries.set(config, summary);
  return summary;
}

/** The generated blocks of the documentation, from the configuration. */
export function generatedBlocks(config: AppConfig = exampleConfig): GeneratedBlock[] {
  const commands = deployCommands(config);
  const sh = (lines: readonly string[]) => fenced('sh', lines.join('\n'));
  const stageIds = config.environments.map((e) => `\`${stageIdFor(e)}\``);
  const byHand = config.environments.map((env) => {
    const stage = stageIdFor(env);
    const lines = commands.filter((l) => l.startsWith(`npx cdk deploy -e '${stage}/`));
    return `For \`${env.name}\`:${sh(lines)}`;
  });
  return [
    { name: 'diagram', content: fenced('mermaid', renderDiagram(config)) },
    { name: 'bootstrap-commands', content: sh(commands.filter((l) => l.startsWith('npx cdk bootstrap ') || l.includes('--bootstrap-template >'))) },
    { name: 'deploy-commands', content: `\n${byHand.join('')}` },
    { name: 'service-linked-role-commands', content: sh(commands.filter((l) => l.startsWith('aws iam get-role '))) },
    { name: 'cost-summary', content: costSummary(config) },
    // Priced from the configuration, not synthesized: three 20 x 50 synths would take minutes (tools/cost/README.md).
    { name: 'cost-platform', content: platformBlock(config) },
    { name: 'cost-crossover', content: crossoverBlock(config) },
    { name: 'stage-order', content: stageIds.length === 1 ? stageIds[0] : `${stageIds.slice(0, -1).join(', ')}, then ${stageIds[stageIds.length - 1]}` },
  ];
}

/**
 * Every generated file and block against the repository at `root`; with `write`, what differs is
 * rewritten. `stale`: files that differ, `document (block)` for each differing block, and blocks
 * with no markers anywhere; `changed`: the files that differ.
 */
function sync(config: AppConfig, root: string, write: boolean, extraBlocks: readonly GeneratedBlock[]) {
  const stale: string[] = [];
  const changed: string[] = [];
  const update = (path: string, content: string): void => {
    changed.push(path);
    if (write) writeFileSync(join(root, path), content);
  };
  for (const { path, content } of generatedFiles(config)) {
    if (existsSync(join(root, path)) && readFileSync(join(root, path), 'utf8') === content) continue;
    stale.push(path);
    update(path, content);
  }
  const blocks = [...generatedBlocks(config), ...extraBlocks];
  const found = new Set<string>();
  // README.md and docs/*.md: where blocks may live.
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => join('docs', f));
  for (const file of ['README.md', ...docs]) {
    const text = readFileSync(join(root, file), 'utf8');
    const updated = withBlocks(text, blocks, file);
    updated.found.forEach((name) => found.add(name));
    stale.push(...updated.stale.map((name) => `${file} (${name})`));
    if (updated.text !== text) update(file, updated.text);
  }
  for (const block of blocks) if (!found.has(block.name)) stale.push(`${markers(block.name).start} (no markers in README.md or docs/*.md)`);
  return { stale, changed };
}

/** What is stale: files whose content differs, documents with a differing block, blocks with no markers anywhere. */
export const staleness = (config: AppConfig = exampleConfig, root = ROOT, extraBlocks: readonly GeneratedBlock[] = []): string[] => sync(config, root, false, extraBlocks).stale;

/** Regenerates every file and block; returns what changed. */
export const writeAll = (config: AppConfig = exampleConfig, root = ROOT, extraBlocks: readonly GeneratedBlock[] = []): string[] => sync(config, root, true, extraBlocks).changed;

export function run(argv: readonly string[], io = STDIO): number {
  return runScript(io, () => {
    const { values } = parseCommandLine({ args: [...argv], options: { write: { type: 'boolean', default: false } } }, 'usage: npm run docs [-- --write]');
    const updateSafety = [updateSafetyBlock()];
    if (!values.write) {
      const stale = staleness(exampleConfig, ROOT, updateSafety);
      if (stale.length > 0) throw new Error(`stale: ${stale.join(', ')}; run \`npm run docs -- --write\`.`);
      return io.out('generated files and blocks: up to date');
    }
    const changed = writeAll(exampleConfig, ROOT, updateSafety);
    io.out(changed.length === 0 ? 'generated files and blocks: already up to date' : `updated: ${changed.join(', ')}`);
  });
}

if (require.main === module) process.exit(run(process.argv.slice(2)));
