// Original file: proto/signalbox/v1/coordinator.proto


export interface RouteInfo {
  'host'?: (string);
  'path'?: (string);
  'cluster'?: (string);
  'services'?: (string)[];
  'targets'?: (string)[];
  'tls'?: (boolean);
  'passthrough'?: (boolean);
  'tenants'?: (string)[];
}

export interface RouteInfo__Output {
  'host': (string);
  'path': (string);
  'cluster': (string);
  'services': (string)[];
  'targets': (string)[];
  'tls': (boolean);
  'passthrough': (boolean);
  'tenants': (string)[];
}
