// Original file: proto/signalbox/v1/coordinator.proto


export interface WatchRolloutRequest {
  'cluster'?: (string);
}

export interface WatchRolloutRequest__Output {
  'cluster': (string);
}
