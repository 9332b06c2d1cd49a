// Original file: proto/signalbox/v1/coordinator.proto


export interface Rejection {
  'service'?: (string);
  'tenant'?: (string);
  'stage'?: (string);
  'code'?: (string);
  'message'?: (string);
}

export interface Rejection__Output {
  'service': (string);
  'tenant': (string);
  'stage': (string);
  'code': (string);
  'message': (string);
}
