// Original file: proto/signalbox/v1/coordinator.proto


export interface PlanChangeRequest {
}

export interface PlanChangeRequest__Output {
}
