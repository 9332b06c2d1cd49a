// Original file: proto/signalbox/v1/coordinator.proto


export interface PlanMove {
  'service'?: (string);
  'from'?: (string);
  'to'?: (string);
  'reason'?: (string);
}

export interface PlanMove__Output {
  'service': (string);
  'from': (string);
  'to': (string);
  'reason': (string);
}
