// Original file: proto/signalbox/v1/coordinator.proto

import type { ProxyPorts as _signalbox_v1_ProxyPorts, ProxyPorts__Output as _signalbox_v1_ProxyPorts__Output } from '../../signalbox/v1/ProxyPorts.js';

export interface ClusterSnapshot {
  'cluster'?: (string);
  'version'?: (string);
  'modelJson'?: (string);
  'settingsJson'?: (string);
  'ports'?: (_signalbox_v1_ProxyPorts | null);
  'networks'?: (string)[];
  'secrets'?: (string)[];
  'trustedProxies'?: (string)[];
  'runtimeTargets'?: (boolean);
}

export interface ClusterSnapshot__Output {
  'cluster': (string);
  'version': (string);
  'modelJson': (string);
  'settingsJson': (string);
  'ports': (_signalbox_v1_ProxyPorts__Output | null);
  'networks': (string)[];
  'secrets': (string)[];
  'trustedProxies': (string)[];
  'runtimeTargets': (boolean);
}
