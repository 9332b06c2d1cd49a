// Original file: proto/signalbox/v1/coordinator.proto


export interface GetPlanRequest {
}

export interface GetPlanRequest__Output {
}
