import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nginxTest } from '../../../testing/nginx-process.js';
import { renderCluster } from '../nginx/index.js';
import { assembleCluster } from '../routing/index.js';
import type { ExtensionConfig, SignalboxConfig } from './config-schema.js';
import { checkConfig } from './load-config.js';

const dir = join(import.meta.dirname, 'testdata', 'interlock-docs');
const read = (file: string): string => readFileSync(join(dir, file), 'utf8');

const EXTENSION_SERVICE = ['Image', 'Args', 'ServiceName', 'Constraints', 'Labels', 'ContainerLabels'];
/** Keys of `ext` that configure Interlock's extension service, as the file spells them. */
const extensionServiceKeys = (ext: string, present: string[]): string[] =>
  present.filter((k) => EXTENSION_SERVICE.includes(k)).map((k) => `Extensions.${ext}.${k}`);

const ucpDefaultNginx = {
  User: 'nginx',
  MaxConnections: 1024,
  ConnectTimeout: 600,
  WorkerProcesses: 1,
  RLimitNoFile: 65535,
  SSLProtocols: 'TLSv1.2',
  ClientMaxBodySize: '32m',
  MainLogFormat:
    `'$remote_addr - $remote_user [$time_local] "$request" ' '$status $body_bytes_sent "$http_referer" ' ` +
    `'"$http_user_agent" "$http_x_forwarded_for"'`,
};
const minimalNginx = { User: 'nginx', WorkerProcesses: 1, RLimitNoFile: 65535, MaxConnections: 2048 };

interface Case {
  expected: Partial<Omit<SignalboxConfig, 'Extensions'>> & {
    Extensions: Record<string, Partial<Omit<ExtensionConfig, 'Config'>> & { Config?: object }>;
  };
  /** Paths of the keys Signalbox does not apply as written (each one warned about). */
  notApplied: string[];
}

const cases: Record<string, Case> = {
  'deploy-index-ucp-default.toml': {
    expected: {
      PollInterval: '3s',
      Extensions: {
        default: {
          ProxyImage: undefined,
          ProxyServiceName: 'ucp-interlock-proxy',
          ProxyReplicas: 2,
          PublishedPort: 8080,
          PublishedSSLPort: 8443,
          ProxyConstraints: [
            'node.labels.com.docker.ucp.orchestrator.swarm==true',
            'node.platform.os==linux',
          ],
          ProxyLabels: { 'com.docker.ucp.InstanceID': 'fewho8k85kyc6iqypvvdh3ntm' },
          Config: { ...ucpDefaultNginx, TraceLogFormat: expect.stringContaining(' $request_id $msec ') },
        },
      },
    },
    notApplied: [
      ...extensionServiceKeys('default', [
        'Image',
        'ServiceName',
        'Constraints',
        'Labels',
        'ContainerLabels',
      ]),
      'Extensions.default.ProxyImage',
      'Extensions.default.Config.SSLVerify',
    ],
  },
  'ucp-3.0-configuration-reference.toml': {
    expected: {
      Extensions: {
        default: {
          ProxyImage: undefined,
          PublishedPort: 80,
          Config: { ...ucpDefaultNginx, HideInfoHeaders: false },
        },
      },
    },
    notApplied: [
      ...extensionServiceKeys('default', [
        'Image',
        'ServiceName',
        'Constraints',
        'Labels',
        'ContainerLabels',
      ]),
      'Extensions.default.ProxyImage',
      'Extensions.default.Config.SSLVerify',
    ],
  },
  'deploy-index-manual.toml': {
    expected: {
      Extensions: {
        default: {
          ProxyImage: undefined,
          ProxyReplicas: 1,
          ProxyStopGracePeriod: '3s',
          Config: minimalNginx,
        },
      },
    },
    notApplied: [...extensionServiceKeys('default', ['Image', 'Args']), 'Extensions.default.ProxyImage'],
  },
  'config-index-example.toml': {
    expected: {
      Extensions: {
        default: {
          ProxyImage: undefined,
          ProxyServiceName: 'interlock-proxy',
          PublishedPort: 80,
          PublishedSSLPort: 443,
          ProxyReplicas: 1,
          Config: minimalNginx,
        },
      },
    },
    notApplied: [
      ...extensionServiceKeys('default', ['Image', 'Args', 'ServiceName']),
      'Extensions.default.ProxyImage',
    ],
  },
  'deploy-production.toml': {
    expected: {
      Extensions: {
        default: {
          ProxyConstraints: [
            'node.labels.com.docker.ucp.orchestrator.swarm==true',
            'node.labels.nodetype==loadbalancer',
          ],
        },
      },
    },
    notApplied: [],
  },
  'host-mode-networking.toml': {
    expected: {
      Extensions: {
        default: {
          ProxyImage: 'nginx:alpine',
          PublishMode: 'host',
          ProxyServiceName: 'interlock-proxy',
          Config: minimalNginx,
        },
      },
    },
    notApplied: extensionServiceKeys('default', ['Image', 'ServiceName']),
  },
  'manual-deployment.toml': {
    expected: {
      Extensions: { default: { ProxyImage: 'nginx:alpine', ServiceCluster: '', Config: minimalNginx } },
    },
    notApplied: extensionServiceKeys('default', ['Image', 'Args']),
  },
  'service-clusters.toml': {
    expected: {
      Extensions: {
        'us-east': {
          ProxyImage: undefined,
          ServiceCluster: 'us-east',
          PublishMode: 'host',
          ProxyServiceName: 'ucp-interlock-proxy-us-east',
          ProxyLabels: { proxy_region: 'us-east' },
          Config: minimalNginx,
        },
        'us-west': { ProxyImage: 'nginx:alpine', ServiceCluster: 'us-west', Config: minimalNginx },
      },
    },
    notApplied: [
      ...extensionServiceKeys('us-east', ['Image', 'ServiceName', 'Labels']),
      'Extensions.us-east.ProxyImage',
      ...extensionServiceKeys('us-west', ['Image', 'ServiceName', 'Labels']),
    ],
  },
  'service-clusters-ucp-3.1.toml': {
    expected: {
      Extensions: {
        'us-east': { ProxyImage: undefined, ServiceCluster: 'us-east', Config: minimalNginx },
        'us-west': { ProxyImage: undefined, ServiceCluster: 'us-west', Config: minimalNginx },
      },
    },
    notApplied: [
      ...extensionServiceKeys('us-east', ['Image', 'ServiceName', 'Labels']),
      'Extensions.us-east.ProxyImage',
      ...extensionServiceKeys('us-west', ['Image', 'ServiceName', 'Labels']),
      'Extensions.us-west.ProxyImage',
    ],
  },
  'service-clusters-ucp-3.0.toml': {
    expected: {
      Extensions: {
        'us-east': { ProxyImage: undefined, ProxyServiceName: 'interlock-proxy-us-east', PublishedPort: 80 },
        'us-west': {
          ProxyImage: undefined,
          ProxyServiceName: 'interlock-proxy-us-west',
          Config: minimalNginx,
        },
      },
    },
    notApplied: [
      ...extensionServiceKeys('us-east', ['Image', 'Args', 'ServiceName', 'Labels']),
      'Extensions.us-east.ProxyImage',
      ...extensionServiceKeys('us-west', ['Image', 'Args', 'ServiceName', 'Labels']),
      'Extensions.us-west.ProxyImage',
    ],
  },
  'service-clusters-preview.toml': {
    expected: {
      Extensions: {
        'us-east': { ProxyImage: 'nginx:alpine', ServiceCluster: 'us-east', Config: minimalNginx },
        'us-west': { ProxyImage: 'nginx:alpine', ServiceCluster: 'us-west', Config: minimalNginx },
      },
    },
    notApplied: [
      ...extensionServiceKeys('us-east', ['Image', 'Args', 'ServiceName', 'Labels']),
      ...extensionServiceKeys('us-west', ['Image', 'Args', 'ServiceName', 'Labels']),
    ],
  },
  'service-clusters-ucp-3.2.3.toml': {
    expected: {
      Extensions: Object.fromEntries(
        ['east', 'west'].map((region) => [
          region,
          {
            ProxyImage: undefined,
            ServiceCluster: region,
            Networks: [`${region}net`],
            PublishMode: 'host',
            PublishedPort: 80,
            ProxyReplicas: 1,
            ProxyConstraints: [
              'node.labels.com.docker.ucp.orchestrator.swarm==true',
              'node.platform.os==linux',
              `node.labels.region==${region}`,
            ],
            Config: {
              ...ucpDefaultNginx,
              ConnectTimeout: 5,
              HTTPVersion: '1.1',
              ServerNamesHashBucketSize: 128,
              TraceLogFormat: expect.stringContaining(' $reqid $msec '),
            },
          },
        ]),
      ),
    },
    notApplied: ['east', 'west'].flatMap((region) => [
      ...extensionServiceKeys(region, ['Image', 'ServiceName', 'Constraints', 'Labels', 'ContainerLabels']),
      `Extensions.${region}.ConfigImage`,
      `Extensions.${region}.ConfigServiceName`,
      `Extensions.${region}.ProxyImage`,
      `Extensions.${region}.Config.SSLVerify`,
      `Extensions.${region}.Config.UpstreamZoneSize`,
    ]),
  },
};

describe("Interlock's documented config.toml files", () => {
  it('are all covered here', () => {
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.toml'))
        .sort(),
    ).toEqual(Object.keys(cases).sort());
  });

  it.each(Object.entries(cases))('%s loads unchanged with its values in effect', (file, c) => {
    const check = checkConfig(read(file));
    expect(check.issues).toEqual([]);
    expect(check.config).toMatchObject(c.expected);
    const notApplied = check.keys.filter((k) => k.fate !== 'applied' && !k.inert).map((k) => k.path);
    expect(notApplied.sort()).toEqual([...c.notApplied].sort());
    expect(check.keys.filter((k) => k.fate === 'unknown')).toEqual([]);
    for (const path of c.notApplied) {
      const [table, key] = [path.slice(0, path.lastIndexOf('.')), path.slice(path.lastIndexOf('.') + 1)];
      expect(check.warnings.some((w) => w.startsWith(`config: ${table}: `) && w.includes(key))).toBe(true);
    }
    if (c.notApplied.length === 0) expect(check.warnings).toEqual([]);
  });

  it.each(Object.keys(cases))("%s: each extension's settings render a config nginx accepts", async (file) => {
    const config = checkConfig(read(file)).config;
    for (const ext of Object.values(config?.Extensions ?? {})) {
      const nginxConf = renderCluster(assembleCluster(ext.ServiceCluster, []), {
        settings: ext.Config,
        ports: { http: ext.TargetPort, https: ext.TargetSSLPort, publishedHttps: ext.PublishedSSLPort },
        serverInfo: 'signalbox/test',
      });
      expect(nginxConf).toMatch(/^\s*log_format main '\$remote_addr [^;{}]*"\$http_x_forwarded_for"';$/m);
      const check = await nginxTest(nginxConf);
      expect(check.output).toBe('');
      expect(check.ok).toBe(true);
    }
  });
});
