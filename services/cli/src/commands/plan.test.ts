import { describe, expect, it } from 'vitest';
import { runPlanCommand } from './plan.js';

const INPUT = {
  balance: 0.1,
  clusters: [
    { name: 'east', auto: true, capacity: 3 },
    { name: 'west', auto: true, capacity: 3 },
    { name: 'pci', auto: false },
  ],
  apps: [
    {
      id: 'shop-web',
      networks: ['shop-net', 'platform'],
      cluster: null,
      weight: 1,
      hosts: ['shop.example.org'],
    },
    { id: 'shop-canary', networks: ['shop-net'], hosts: ['shop.example.org'] },
    { id: 'shop-api', networks: ['shop-net'] },
    { id: 'blog', networks: ['blog-net', 'platform'] },
    { id: 'blog-db-admin', networks: ['blog-net'] },
    { id: 'card-vault', networks: ['vault-net'], cluster: 'pci' },
  ],
};

async function run(args: string[], files: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const code = await runPlanCommand(args, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT', path });
      return text;
    },
  });
  return { code, stdout, stderr };
}

describe('signalbox plan', () => {
  it('prints the plan as JSON', async () => {
    const { code, stdout, stderr } = await run(['--input', 'in.json', '--seed', '3'], {
      'in.json': JSON.stringify(INPUT),
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(Object.keys(plan)).toEqual(['assignment', 'metrics', 'explanations', 'networks']);
    expect(plan.networks).toEqual({});
    expect(plan.assignment['card-vault']).toBe('pci');
    expect(plan.assignment['shop-canary']).toBe(plan.assignment['shop-web']);
    expect(plan.metrics).toMatchObject({
      maxNetworksPerProxy: 2,
      totalAttachments: 5,
      lowerBoundMax: 2,
      moves: 0,
    });
    expect(plan.metrics.perCluster.map((c: { name: string }) => c.name)).toEqual(['east', 'west', 'pci']);
    expect(typeof plan.explanations['shop-api']).toBe('string');
  });

  it('chooses the network of an app with networkChoices, and keeps it on a re-plan', async () => {
    const input = {
      ...INPUT,
      apps: [...INPUT.apps, { id: 'blog-worker', networks: [], networkChoices: ['other-net', 'blog-net'] }],
    };
    const files: Record<string, string> = { 'in.json': JSON.stringify(input) };
    const first = await run(['--input', 'in.json'], files);
    expect(first.code).toBe(0);
    const plan = JSON.parse(first.stdout);
    expect(plan.networks).toEqual({ 'blog-worker': 'blog-net' });
    expect(plan.assignment['blog-worker']).toBe(plan.assignment.blog);
    expect(plan.explanations['blog-worker']).toMatch(/reached on blog-net \(of blog-net, other-net\)/);
    files['prev.json'] = first.stdout;
    const again = JSON.parse((await run(['--input', 'in.json', '--previous', 'prev.json'], files)).stdout);
    expect(again.metrics.moves).toBe(0);
    expect(again.networks).toEqual(plan.networks);
  });

  it('re-plans from a previous plan without moving anything when nothing changed', async () => {
    const files: Record<string, string> = { 'in.json': JSON.stringify(INPUT) };
    files['prev.json'] = (await run(['--input', 'in.json'], files)).stdout;
    const { code, stdout } = await run(['--input', 'in.json', '--previous', 'prev.json'], files);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).metrics.moves).toBe(0);
  });

  it('reads hMETIS hypergraphs with a fix file', async () => {
    const { code, stdout } = await run(
      ['--format', 'hmetis', '--input', 'g.hgr', '--k', '2', '--fix', 'g.fix'],
      {
        'g.hgr': '3 4\n1 2\n2 3\n3 4\n',
        'g.fix': '0\n-1\n-1\n1\n',
      },
    );
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan.assignment.v1).toBe('0');
    expect(plan.assignment.v4).toBe('1');
    expect(plan.metrics.totalAttachments).toBe(4);
  });

  it.each([
    [['--input', 'in.json'], { 'in.json': '{' }, /^signalbox plan: in.json is not JSON: .*\n$/],
    [['--input', 'missing.json'], {}, /^signalbox plan: cannot read missing.json: ENOENT\n$/],
    [
      ['--input', 'in.json'],
      { 'in.json': JSON.stringify({ ...INPUT, apps: [{ id: 'a', networks: [], cluster: 'nowhere' }] }) },
      /^signalbox plan: pin: app a is pinned to unknown cluster "nowhere" .*\n$/,
    ],
    [
      ['--input', 'in.json'],
      {
        'in.json': JSON.stringify({
          ...INPUT,
          clusters: [
            { name: 'east', capacity: 1 },
            { name: 'pci', auto: false },
          ],
        }),
      },
      /^signalbox plan: capacity: .*\n$/,
    ],
    [
      ['--input', 'in.json'],
      { 'in.json': JSON.stringify({ clusters: [] }) },
      /^signalbox plan: plan input: .*\n$/,
    ],
  ])('exits 1 with a one-line reason for unusable input (%j)', async (args, files, message) => {
    const { code, stdout, stderr } = await run(args, files);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it.each([
    [[]],
    [['--input']],
    [['--input', 'in.json', '--seed', 'x']],
    [['--input', 'in.json', '--bogus']],
    [['--input', 'in.json', '--format', 'xml']],
    [['--input', 'g.hgr', '--format', 'hmetis']],
    [['--input', 'in.json', '--k', '4']],
  ])('exits 2 on bad usage (%j)', async (args) => {
    const { code, stderr } = await run(args, { 'in.json': JSON.stringify(INPUT), 'g.hgr': '1 2\n1 2\n' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^signalbox plan: .*\nusage: signalbox plan/);
  });
});
