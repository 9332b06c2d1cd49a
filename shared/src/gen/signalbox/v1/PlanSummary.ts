// Original file: proto/signalbox/v1/coordinator.proto


export interface PlanSummary {
  'maxNetworksPerProxy'?: (number);
  'totalAttachments'?: (number);
  'lowerBoundMax'?: (number);
  'moves'?: (number);
  'millis'?: (number | string);
  'assignment'?: ({[key: string]: string});
}

export interface PlanSummary__Output {
  'maxNetworksPerProxy': (number);
  'totalAttachments': (number);
  'lowerBoundMax': (number);
  'moves': (number);
  'millis': (number);
  'assignment': ({[key: string]: string});
}
