// Original file: proto/signalbox/v1/coordinator.proto

export const UpdateOrder = {
  UPDATE_ORDER_UNSPECIFIED: 'UPDATE_ORDER_UNSPECIFIED',
  START_FIRST: 'START_FIRST',
  STOP_FIRST: 'STOP_FIRST',
} as const;

export type UpdateOrder =
  | 'UPDATE_ORDER_UNSPECIFIED'
  | 0
  | 'START_FIRST'
  | 1
  | 'STOP_FIRST'
  | 2

export type UpdateOrder__Output = typeof UpdateOrder[keyof typeof UpdateOrder]
