// Original file: proto/signalbox/v1/coordinator.proto


export interface ClusterInfo {
  'name'?: (string);
  'extension'?: (string);
  'version'?: (string);
  'proxyService'?: (string);
  'networks'?: (string)[];
  'services'?: (string)[];
  'hosts'?: (number);
}

export interface ClusterInfo__Output {
  'name': (string);
  'extension': (string);
  'version': (string);
  'proxyService': (string);
  'networks': (string)[];
  'services': (string)[];
  'hosts': (number);
}
