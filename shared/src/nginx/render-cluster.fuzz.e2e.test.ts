import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FixtureService } from '../../../testing/engine-fixtures.js';
import { readDirectives } from '../../../testing/nginx-lexer.js';
import { nginxTest } from '../../../testing/nginx-process.js';
import { renderFixture, secretsFor } from '../../../testing/render-fixture.js';
import { LabelKey } from '../labels/index.js';

/** Every directive the renderer can write, by the block it sits in. Anything else was injected. */
const ALLOWED: Record<string, string[]> = {
  '': [
    'user',
    'worker_processes',
    'worker_rlimit_nofile',
    'error_log',
    'pid',
    'load_module',
    'events',
    'http',
    'stream',
  ],
  events: ['worker_connections'],
  http: [
    'default_type',
    'server_tokens',
    'absolute_redirect',
    'server_names_hash_bucket_size',
    'server_names_hash_max_size',
    'variables_hash_bucket_size',
    'variables_hash_max_size',
    'log_format',
    'access_log',
    'sendfile',
    'keepalive_timeout',
    'client_max_body_size',
    'client_body_buffer_size',
    'client_header_buffer_size',
    'large_client_header_buffers',
    'client_body_timeout',
    'underscores_in_headers',
    'proxy_connect_timeout',
    'proxy_send_timeout',
    'proxy_read_timeout',
    'send_timeout',
    'proxy_http_version',
    'proxy_set_header',
    'proxy_next_upstream',
    'add_header',
    'ssl_protocols',
    'ssl_ciphers',
    'ssl_prefer_server_ciphers',
    'ssl_ecdh_curve',
    'ssl_session_cache',
    'ssl_session_timeout',
    'ssl_session_tickets',
    'ssl_stapling',
    'ssl_stapling_verify',
    'resolver',
    'map',
    'upstream',
    'server',
  ],
  'http/upstream': ['ip_hash', 'hash', 'server', 'keepalive'],
  'http/server': [
    'listen',
    'access_log',
    'ssl_reject_handshake',
    'set_real_ip_from',
    'real_ip_header',
    'server_name',
    'ssl_certificate',
    'ssl_certificate_key',
    'add_header',
    'location',
  ],
  'http/server/location': [
    'default_type',
    'return',
    'stub_status',
    'proxy_pass',
    'proxy_set_header',
    'proxy_ssl_server_name',
    'proxy_ssl_name',
    'proxy_ssl_protocols',
    'proxy_ssl_verify',
    'proxy_ssl_verify_depth',
    'proxy_ssl_trusted_certificate',
  ],
  stream: [
    'log_format',
    'access_log',
    'map_hash_bucket_size',
    'map_hash_max_size',
    'map',
    'upstream',
    'server',
  ],
  'stream/upstream': ['server'],
  'stream/server': ['listen', 'ssl_preread', 'proxy_protocol', 'proxy_pass', 'set_real_ip_from'],
};

/** Map entries are `key value;`: keys are host names, the cookie regex, `''`, `default` or `hostnames`. */
const MAP_ENTRY = /^(default|hostnames|~.*|(\*\.)?[a-z0-9.-]+|)$/;

function injected(config: string): string[] {
  const bad: string[] = [];
  for (const d of readDirectives(config)) {
    const where = d.context.join('/');
    if (where.endsWith('/map')) {
      const arity = d.name === 'hostnames' ? 0 : 1;
      if (!MAP_ENTRY.test(d.name) || d.args.length !== arity)
        bad.push(`${where}: ${d.name} ${d.args.join(' ')}`);
      continue;
    }
    const allowed = ALLOWED[where];
    if (!allowed || !(allowed.includes(d.name) || allowed.includes('*'))) bad.push(`${where}: ${d.name}`);
  }
  return bad;
}

const hostile = fc.oneof(
  fc.constantFrom(
    '"',
    "'",
    ';',
    '{',
    '}',
    '\n',
    '\r\n',
    '$',
    '#',
    '\\',
    '\0',
    ' ',
    '\t',
    '`',
    '$host',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${x} is exactly the hostile input wanted
    '${x}',
    '}\nserver {',
    '; return 200 pwned;',
    '\n}\nhttp {',
    'ünï',
    'bücher',
    '☃',
    '\u202e',
    'xn--',
    '*.',
    '..',
    '//',
    '/../',
    '%0a',
    'example.org',
    '/app',
    '8080',
    'true',
    'required',
    'none',
    'vip',
    'http://a.example',
    ',',
    '.',
    '-',
  ),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
const hostileValue = fc.oneof(
  { weight: 8, arbitrary: fc.array(hostile, { maxLength: 6 }).map((parts) => parts.join('')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('x'.repeat(10_240), `${'a'.repeat(63)}.`.repeat(160), ';'.repeat(10_240)),
  },
);
const someKeys = fc.subarray(Object.values(LabelKey), { minLength: 1 });

const hostileService = (i: number) =>
  fc.record({ keys: someKeys, values: fc.array(hostileValue, { minLength: 16, maxLength: 16 }) }).map(
    ({ keys, values }): FixtureService => ({
      name: `hostile-${i}`,
      networks: ['front'],
      replicas: 1,
      // Start from a routable service, then overwrite some labels with hostile values.
      labels: {
        [LabelKey.hosts]: `h${i}.example.org`,
        [LabelKey.port]: '80',
        ...Object.fromEntries(keys.map((k, j) => [k, values[j % values.length] ?? ''])),
      },
    }),
  );

describe('hostile label values', () => {
  it('never inject a directive, and every rendered config passes nginx -t', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(hostileService(0), hostileService(1), hostileService(2)),
        async (hostileOnes) => {
          const good: FixtureService = {
            name: 'good',
            networks: ['front'],
            replicas: 2,
            createdAt: '2020-01-01T00:00:00Z',
            labels: { [LabelKey.hosts]: 'good.example.org', [LabelKey.port]: '8080' },
          };
          const { config, model } = renderFixture({ services: [good, ...hostileOnes] });
          expect(injected(config)).toEqual([]);
          expect(model.virtualHosts.some((v) => v.host === 'good.example.org')).toBe(true);
          const check = await nginxTest(config, await secretsFor(model));
          expect(check.output).toBe('');
          expect(check.ok).toBe(true);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: Number(process.env.FUZZ_SEED ?? 20261123) },
    );
  }, 180_000);

  it('the directive check itself catches an injected directive', () => {
    const rendered = renderFixture({
      services: [
        { name: 'a', networks: ['n'], labels: { [LabelKey.hosts]: 'a.example', [LabelKey.port]: '80' } },
      ],
    }).config;
    const tampered = rendered.replace('server_name a.example;', 'server_name a.example; return 200 pwned;');
    expect(injected(rendered)).toEqual([]);
    expect(injected(tampered)).toEqual(['http/server: return']);
    const tamperedMap = rendered.replace("'' close;", "'' close; evil 1 2;");
    expect(injected(tamperedMap)).toEqual(['http/map: evil 1 2']);
  });
});
