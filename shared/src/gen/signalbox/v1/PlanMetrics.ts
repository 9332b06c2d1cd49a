// Original file: proto/signalbox/v1/coordinator.proto


export interface PlanMetrics {
  'maxNetworksPerProxy'?: (number);
  'totalAttachments'?: (number);
  'lowerBoundMax'?: (number);
}

export interface PlanMetrics__Output {
  'maxNetworksPerProxy': (number);
  'totalAttachments': (number);
  'lowerBoundMax': (number);
}
