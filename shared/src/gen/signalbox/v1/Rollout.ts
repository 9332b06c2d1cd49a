// Original file: proto/signalbox/v1/coordinator.proto


export interface Rollout {
  'cluster'?: (string);
  'service'?: (string);
  'state'?: (string);
  'message'?: (string);
  'configName'?: (string);
  'tasksRunning'?: (number);
  'tasksDesired'?: (number);
  'tasksServing'?: (number);
  'stuck'?: (string);
}

export interface Rollout__Output {
  'cluster': (string);
  'service': (string);
  'state': (string);
  'message': (string);
  'configName': (string);
  'tasksRunning': (number);
  'tasksDesired': (number);
  'tasksServing': (number);
  'stuck': (string);
}
