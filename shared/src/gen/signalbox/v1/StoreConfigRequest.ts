// Original file: proto/signalbox/v1/coordinator.proto


export interface StoreConfigRequest {
  'cluster'?: (string);
  'version'?: (string);
  'nginxConf'?: (string);
  'excludedServices'?: (string)[];
  'excludedReason'?: (string);
}

export interface StoreConfigRequest__Output {
  'cluster': (string);
  'version': (string);
  'nginxConf': (string);
  'excludedServices': (string)[];
  'excludedReason': (string);
}
