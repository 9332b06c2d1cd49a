// Original file: proto/signalbox/v1/coordinator.proto


export interface RollbackRequest {
  'cluster'?: (string);
}

export interface RollbackRequest__Output {
  'cluster': (string);
}
