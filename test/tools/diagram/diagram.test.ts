import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleConfig } from '../../../lib/config/environments';
import { AppConfig } from '../../../lib/config/types';
import { run } from '../../../tools/diagram/main';
import { renderDiagram } from '../../../tools/diagram/render';
import { privateLinkConfig } from '../../stages/privatelink-config';
import { latticeConfig } from '../../stages/lattice-config';

const START_MARKER = '<!-- diagram:start -->';
const END_MARKER = '<!-- diagram:end -->';

const small: AppConfig = {
  ...exampleConfig,
  accounts: { tools: '100000000001', network: '100000000002', dns: '100000000003' },
  parentZone: { id: 'Z1', name: 'corp.test' },
  environments: [
    {
      ...exampleConfig.environments[0],
      name: 'qa',
      apis: [{ ...exampleConfig.environments[0].apis[0], name: 'api', account: '100000000004', domain: 'api.qa.corp.test' }],
      consumers: [
        { name: 'web-shop', account: '100000000005', cidr: '10.20.0.0/20', calls: ['api'] },
        { name: 'billing', account: '100000000006', cidr: '10.21.0.0/20', graphqlAuth: 'API_KEY', calls: ['api'] },
      ],
      transitGateway: { mode: 'import', transitGatewayId: 'tgw-0123456789abcdef0' },
    },
  ],
};

describe('renderDiagram', () => {
  const diagram = renderDiagram(small);

  test('is a Mermaid flowchart naming every account, consumer and domain', () => {
    expect(diagram.startsWith('flowchart LR\n')).toBe(true);
    for (const text of ['100000000001', '100000000002', '100000000003', '100000000004', '100000000005', '100000000006', 'web-shop', 'billing', 'api.qa.corp.test', 'corp.test', 'tgw-0123456789abcdef0', 'API_KEY auth']) {
      expect(diagram).toContain(text);
    }
  });

  test('draws each consumer to its transit gateway and the TGW to the NLB', () => {
    expect(diagram).toContain('qa__consumer__web_shop__lambda -- "HTTPS api.qa.corp.test" --> qa__tgw');
    expect(diagram).toContain('qa__consumer__billing__lambda -- "HTTPS api.qa.corp.test" --> qa__tgw');
    expect(diagram).toContain('qa__tgw --> qa__api__api__nlb');
    expect(diagram).toContain('parent_zone -- "NS delegation" --> qa__api__api__zone');
  });

  test('an imported TGW is drawn in its environment, not in the network account', () => {
    const network = diagram.slice(diagram.indexOf('subgraph network'), diagram.indexOf('subgraph env__qa'));
    expect(network).toContain('network account 100000000002');
    expect(network).not.toContain('qa__tgw');
    expect(diagram).toContain('qa__tgw(("existing Transit Gateway<br/>tgw-0123456789abcdef0');
    expect(renderDiagram(exampleConfig)).toContain('subgraph network["network account 222222222222"]\n    dev__tgw(("Transit Gateway dev<br/>consumers reach the APIs they call only"))');
  });

  test('is deterministic', () => {
    expect(renderDiagram(structuredClone(small))).toBe(diagram);
    expect(renderDiagram(exampleConfig)).toBe(renderDiagram(structuredClone(exampleConfig)));
  });

  test('every node id is a plain identifier', () => {
    const ids = [...diagram.matchAll(/^\s*(?:subgraph\s+)?([^\s[(]+)[[(]/gm)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(10);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_]+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('README block (npm run diagram -- --write / --check)', () => {
  const readme = `# Title\n\nintro\n${START_MARKER}\nold\n${END_MARKER}\n\nmore\n`;
  const scratch = (text: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'diagram-')), 'README.md');
    writeFileSync(file, text);
    return file;
  };
  const cli = (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  test('--write swaps only the text between the markers for a mermaid fence, and a second --write changes nothing', () => {
    const file = scratch(readme);
    expect(cli('--write', '--readme', file)).toMatchObject({ code: 0, out: `${file}: diagram updated` });
    const updated = readFileSync(file, 'utf8');
    expect(updated).toBe(`# Title\n\nintro\n${START_MARKER}\n\`\`\`mermaid\n${renderDiagram(exampleConfig)}\`\`\`\n${END_MARKER}\n\nmore\n`);
    expect(cli('--write', '--readme', file)).toMatchObject({ code: 0, out: `${file}: diagram already up to date` });
    expect(readFileSync(file, 'utf8')).toBe(updated);
  });

  test('no markers, or unpaired markers, are an error for --write and --check', () => {
    for (const mode of ['--write', '--check']) {
      expect(cli(mode, '--readme', scratch('# nothing here'))).toMatchObject({ code: 1, err: expect.stringContaining('has no <!-- diagram:start -->') });
      expect(cli(mode, '--readme', scratch(`${START_MARKER}\n${START_MARKER}\n${END_MARKER}`))).toMatchObject({ code: 1, err: expect.stringContaining('unpaired') });
    }
  });

  test('the CLI --check fails on a stale block and passes after --write', () => {
    const file = scratch(readme);
    const err: string[] = [];
    const io = { out: () => {}, err: (l: string) => err.push(l) };
    expect(run(['--check', '--readme', file], io)).toBe(1);
    expect(err.join('\n')).toContain('diagram is stale');
    expect(run(['--write', '--readme', file], io)).toBe(0);
    expect(run(['--check', '--readme', file], io)).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain(renderDiagram(exampleConfig));
  });

  test("README.md's architecture diagram matches renderDiagram(exampleConfig) (else: npm run diagram -- --write)", () => {
    expect(cli('--check', '--readme', join(__dirname, '..', '..', '..', 'README.md'))).toMatchObject({ code: 0, err: '' });
  });
});

describe('renderDiagram in privatelink mode', () => {
  test('draws the endpoint service and each consumer\'s interface endpoint instead of a transit gateway', () => {
    const text = renderDiagram(privateLinkConfig);
    expect(text).not.toContain('dev__tgw');
    const dev = privateLinkConfig.environments.find((e) => e.name === 'dev')!;
    for (const api of dev.apis) {
      expect(text).toContain(`dev__api__${api.name}__vpce_svc["VPC endpoint service<br/>private DNS ${api.domain}<br/>its callers' accounts only"]`);
      expect(text).toContain(`dev__api__${api.name}__vpce_svc --> dev__api__${api.name}__nlb`);
    }
    // One interface endpoint per allowed pair, and no path for a denied one.
    for (const consumer of dev.consumers) {
      for (const api of dev.apis) {
        const edge = `dev__consumer__${consumer.name.replace(/[^A-Za-z0-9]+/g, '_')}__vpce__${api.name} -- PrivateLink --> dev__api__${api.name}__vpce_svc`;
        if (consumer.calls.includes(api.name)) expect(text).toContain(edge);
        else expect(text).not.toContain(edge);
      }
    }
    expect(text).toContain(`prod__tgw --> prod__api__${privateLinkConfig.environments.find((e) => e.name === 'prod')!.apis[0].name}__nlb`);
  });
});

describe('renderDiagram in lattice mode', () => {
  test('draws the service network, each API as a Lattice service (no NLB, no STS endpoint), and a private zone per allowed pair only', () => {
    const text = renderDiagram(latticeConfig);
    const dev = latticeConfig.environments.find((e) => e.name === 'dev')!;
    expect(text).not.toContain('dev__tgw');
    expect(text).not.toContain('vpce_svc');
    expect(text).toContain('dev__sn(("VPC Lattice service network dev');
    for (const api of dev.apis) {
      expect(text).toContain(`dev__api__${api.name}__nlb["VPC Lattice service<br/>HTTPS :443 ${api.domain}`);
      expect(text).toContain(`dev__sn --> dev__api__${api.name}__nlb`);
    }
    expect(text).not.toMatch(/dev__api__\w+__vpce\["ECR \/ S3 \/ Logs \/ STS/);
    for (const consumer of dev.consumers) {
      for (const api of dev.apis) {
        const zone = `dev__consumer__${consumer.name}__vpce__${api.name}["private zone ${api.domain}`;
        if (consumer.calls.includes(api.name)) expect(text).toContain(zone);
        else expect(text).not.toContain(zone);
      }
    }
  });
});
