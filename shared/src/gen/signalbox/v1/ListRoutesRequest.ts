// Original file: proto/signalbox/v1/coordinator.proto


export interface ListRoutesRequest {
  'cluster'?: (string);
}

export interface ListRoutesRequest__Output {
  'cluster': (string);
}
