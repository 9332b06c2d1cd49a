// Original file: proto/signalbox/v1/coordinator.proto


export interface ProxyPorts {
  'http'?: (number);
  'https'?: (number);
  'publishedHttps'?: (number);
}

export interface ProxyPorts__Output {
  'http': (number);
  'https': (number);
  'publishedHttps': (number);
}
