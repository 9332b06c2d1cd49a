// Original file: proto/signalbox/v1/coordinator.proto


export interface ExplainHostRequest {
  'host'?: (string);
  'path'?: (string);
}

export interface ExplainHostRequest__Output {
  'host': (string);
  'path': (string);
}
