// Original file: proto/signalbox/v1/coordinator.proto


export interface StoreConfigResponse {
  'configName'?: (string);
  'configId'?: (string);
  'created'?: (boolean);
}

export interface StoreConfigResponse__Output {
  'configName': (string);
  'configId': (string);
  'created': (boolean);
}
