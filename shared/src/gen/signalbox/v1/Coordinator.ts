// Original file: proto/signalbox/v1/coordinator.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ClusterSnapshot as _signalbox_v1_ClusterSnapshot, ClusterSnapshot__Output as _signalbox_v1_ClusterSnapshot__Output } from '../../signalbox/v1/ClusterSnapshot.js';
import type { ExplainHostRequest as _signalbox_v1_ExplainHostRequest, ExplainHostRequest__Output as _signalbox_v1_ExplainHostRequest__Output } from '../../signalbox/v1/ExplainHostRequest.js';
import type { ExplainHostResponse as _signalbox_v1_ExplainHostResponse, ExplainHostResponse__Output as _signalbox_v1_ExplainHostResponse__Output } from '../../signalbox/v1/ExplainHostResponse.js';
import type { GetClusterSnapshotRequest as _signalbox_v1_GetClusterSnapshotRequest, GetClusterSnapshotRequest__Output as _signalbox_v1_GetClusterSnapshotRequest__Output } from '../../signalbox/v1/GetClusterSnapshotRequest.js';
import type { GetPlanRequest as _signalbox_v1_GetPlanRequest, GetPlanRequest__Output as _signalbox_v1_GetPlanRequest__Output } from '../../signalbox/v1/GetPlanRequest.js';
import type { GetStatusRequest as _signalbox_v1_GetStatusRequest, GetStatusRequest__Output as _signalbox_v1_GetStatusRequest__Output } from '../../signalbox/v1/GetStatusRequest.js';
import type { ListClustersRequest as _signalbox_v1_ListClustersRequest, ListClustersRequest__Output as _signalbox_v1_ListClustersRequest__Output } from '../../signalbox/v1/ListClustersRequest.js';
import type { ListClustersResponse as _signalbox_v1_ListClustersResponse, ListClustersResponse__Output as _signalbox_v1_ListClustersResponse__Output } from '../../signalbox/v1/ListClustersResponse.js';
import type { ListRoutesRequest as _signalbox_v1_ListRoutesRequest, ListRoutesRequest__Output as _signalbox_v1_ListRoutesRequest__Output } from '../../signalbox/v1/ListRoutesRequest.js';
import type { ListRoutesResponse as _signalbox_v1_ListRoutesResponse, ListRoutesResponse__Output as _signalbox_v1_ListRoutesResponse__Output } from '../../signalbox/v1/ListRoutesResponse.js';
import type { PlanChange as _signalbox_v1_PlanChange, PlanChange__Output as _signalbox_v1_PlanChange__Output } from '../../signalbox/v1/PlanChange.js';
import type { PlanChangeRequest as _signalbox_v1_PlanChangeRequest, PlanChangeRequest__Output as _signalbox_v1_PlanChangeRequest__Output } from '../../signalbox/v1/PlanChangeRequest.js';
import type { PlanSummary as _signalbox_v1_PlanSummary, PlanSummary__Output as _signalbox_v1_PlanSummary__Output } from '../../signalbox/v1/PlanSummary.js';
import type { RollbackRequest as _signalbox_v1_RollbackRequest, RollbackRequest__Output as _signalbox_v1_RollbackRequest__Output } from '../../signalbox/v1/RollbackRequest.js';
import type { Rollout as _signalbox_v1_Rollout, Rollout__Output as _signalbox_v1_Rollout__Output } from '../../signalbox/v1/Rollout.js';
import type { StartRolloutRequest as _signalbox_v1_StartRolloutRequest, StartRolloutRequest__Output as _signalbox_v1_StartRolloutRequest__Output } from '../../signalbox/v1/StartRolloutRequest.js';
import type { StatusReport as _signalbox_v1_StatusReport, StatusReport__Output as _signalbox_v1_StatusReport__Output } from '../../signalbox/v1/StatusReport.js';
import type { StoreConfigRequest as _signalbox_v1_StoreConfigRequest, StoreConfigRequest__Output as _signalbox_v1_StoreConfigRequest__Output } from '../../signalbox/v1/StoreConfigRequest.js';
import type { StoreConfigResponse as _signalbox_v1_StoreConfigResponse, StoreConfigResponse__Output as _signalbox_v1_StoreConfigResponse__Output } from '../../signalbox/v1/StoreConfigResponse.js';
import type { WatchRolloutRequest as _signalbox_v1_WatchRolloutRequest, WatchRolloutRequest__Output as _signalbox_v1_WatchRolloutRequest__Output } from '../../signalbox/v1/WatchRolloutRequest.js';

export interface CoordinatorClient extends grpc.Client {
  ApplyPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  ApplyPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  ApplyPlan(argument: _signalbox_v1_PlanChangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  ApplyPlan(argument: _signalbox_v1_PlanChangeRequest, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  applyPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  applyPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  applyPlan(argument: _signalbox_v1_PlanChangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  applyPlan(argument: _signalbox_v1_PlanChangeRequest, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  
  ExplainHost(argument: _signalbox_v1_ExplainHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  ExplainHost(argument: _signalbox_v1_ExplainHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  ExplainHost(argument: _signalbox_v1_ExplainHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  ExplainHost(argument: _signalbox_v1_ExplainHostRequest, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  explainHost(argument: _signalbox_v1_ExplainHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  explainHost(argument: _signalbox_v1_ExplainHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  explainHost(argument: _signalbox_v1_ExplainHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  explainHost(argument: _signalbox_v1_ExplainHostRequest, callback: grpc.requestCallback<_signalbox_v1_ExplainHostResponse__Output>): grpc.ClientUnaryCall;
  
  GetClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  GetClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  GetClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  GetClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  getClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  getClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  getClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  getClusterSnapshot(argument: _signalbox_v1_GetClusterSnapshotRequest, callback: grpc.requestCallback<_signalbox_v1_ClusterSnapshot__Output>): grpc.ClientUnaryCall;
  
  GetPlan(argument: _signalbox_v1_GetPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  GetPlan(argument: _signalbox_v1_GetPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  GetPlan(argument: _signalbox_v1_GetPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  GetPlan(argument: _signalbox_v1_GetPlanRequest, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _signalbox_v1_GetPlanRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _signalbox_v1_GetPlanRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _signalbox_v1_GetPlanRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  getPlan(argument: _signalbox_v1_GetPlanRequest, callback: grpc.requestCallback<_signalbox_v1_PlanSummary__Output>): grpc.ClientUnaryCall;
  
  GetRollout(argument: _signalbox_v1_WatchRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _signalbox_v1_WatchRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _signalbox_v1_WatchRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  GetRollout(argument: _signalbox_v1_WatchRolloutRequest, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _signalbox_v1_WatchRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _signalbox_v1_WatchRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _signalbox_v1_WatchRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  getRollout(argument: _signalbox_v1_WatchRolloutRequest, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  GetStatus(argument: _signalbox_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _signalbox_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _signalbox_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _signalbox_v1_GetStatusRequest, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _signalbox_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _signalbox_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _signalbox_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _signalbox_v1_GetStatusRequest, callback: grpc.requestCallback<_signalbox_v1_StatusReport__Output>): grpc.ClientUnaryCall;
  
  ListClusters(argument: _signalbox_v1_ListClustersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  ListClusters(argument: _signalbox_v1_ListClustersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  ListClusters(argument: _signalbox_v1_ListClustersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  ListClusters(argument: _signalbox_v1_ListClustersRequest, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _signalbox_v1_ListClustersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _signalbox_v1_ListClustersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _signalbox_v1_ListClustersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  listClusters(argument: _signalbox_v1_ListClustersRequest, callback: grpc.requestCallback<_signalbox_v1_ListClustersResponse__Output>): grpc.ClientUnaryCall;
  
  ListRoutes(argument: _signalbox_v1_ListRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  ListRoutes(argument: _signalbox_v1_ListRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  ListRoutes(argument: _signalbox_v1_ListRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  ListRoutes(argument: _signalbox_v1_ListRoutesRequest, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _signalbox_v1_ListRoutesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _signalbox_v1_ListRoutesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _signalbox_v1_ListRoutesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  listRoutes(argument: _signalbox_v1_ListRoutesRequest, callback: grpc.requestCallback<_signalbox_v1_ListRoutesResponse__Output>): grpc.ClientUnaryCall;
  
  PreviewPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  PreviewPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  PreviewPlan(argument: _signalbox_v1_PlanChangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  PreviewPlan(argument: _signalbox_v1_PlanChangeRequest, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  previewPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  previewPlan(argument: _signalbox_v1_PlanChangeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  previewPlan(argument: _signalbox_v1_PlanChangeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  previewPlan(argument: _signalbox_v1_PlanChangeRequest, callback: grpc.requestCallback<_signalbox_v1_PlanChange__Output>): grpc.ClientUnaryCall;
  
  Rollback(argument: _signalbox_v1_RollbackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Rollback(argument: _signalbox_v1_RollbackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Rollback(argument: _signalbox_v1_RollbackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  Rollback(argument: _signalbox_v1_RollbackRequest, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollback(argument: _signalbox_v1_RollbackRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollback(argument: _signalbox_v1_RollbackRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollback(argument: _signalbox_v1_RollbackRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  rollback(argument: _signalbox_v1_RollbackRequest, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  StartRollout(argument: _signalbox_v1_StartRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _signalbox_v1_StartRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _signalbox_v1_StartRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  StartRollout(argument: _signalbox_v1_StartRolloutRequest, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _signalbox_v1_StartRolloutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _signalbox_v1_StartRolloutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _signalbox_v1_StartRolloutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  startRollout(argument: _signalbox_v1_StartRolloutRequest, callback: grpc.requestCallback<_signalbox_v1_Rollout__Output>): grpc.ClientUnaryCall;
  
  StoreConfig(argument: _signalbox_v1_StoreConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  StoreConfig(argument: _signalbox_v1_StoreConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  StoreConfig(argument: _signalbox_v1_StoreConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  StoreConfig(argument: _signalbox_v1_StoreConfigRequest, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  storeConfig(argument: _signalbox_v1_StoreConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  storeConfig(argument: _signalbox_v1_StoreConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  storeConfig(argument: _signalbox_v1_StoreConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  storeConfig(argument: _signalbox_v1_StoreConfigRequest, callback: grpc.requestCallback<_signalbox_v1_StoreConfigResponse__Output>): grpc.ClientUnaryCall;
  
  WatchRollout(argument: _signalbox_v1_WatchRolloutRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_signalbox_v1_Rollout__Output>;
  WatchRollout(argument: _signalbox_v1_WatchRolloutRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_signalbox_v1_Rollout__Output>;
  watchRollout(argument: _signalbox_v1_WatchRolloutRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_signalbox_v1_Rollout__Output>;
  watchRollout(argument: _signalbox_v1_WatchRolloutRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_signalbox_v1_Rollout__Output>;
  
}

export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  ApplyPlan: grpc.handleUnaryCall<_signalbox_v1_PlanChangeRequest__Output, _signalbox_v1_PlanChange>;
  
  ExplainHost: grpc.handleUnaryCall<_signalbox_v1_ExplainHostRequest__Output, _signalbox_v1_ExplainHostResponse>;
  
  GetClusterSnapshot: grpc.handleUnaryCall<_signalbox_v1_GetClusterSnapshotRequest__Output, _signalbox_v1_ClusterSnapshot>;
  
  GetPlan: grpc.handleUnaryCall<_signalbox_v1_GetPlanRequest__Output, _signalbox_v1_PlanSummary>;
  
  GetRollout: grpc.handleUnaryCall<_signalbox_v1_WatchRolloutRequest__Output, _signalbox_v1_Rollout>;
  
  GetStatus: grpc.handleUnaryCall<_signalbox_v1_GetStatusRequest__Output, _signalbox_v1_StatusReport>;
  
  ListClusters: grpc.handleUnaryCall<_signalbox_v1_ListClustersRequest__Output, _signalbox_v1_ListClustersResponse>;
  
  ListRoutes: grpc.handleUnaryCall<_signalbox_v1_ListRoutesRequest__Output, _signalbox_v1_ListRoutesResponse>;
  
  PreviewPlan: grpc.handleUnaryCall<_signalbox_v1_PlanChangeRequest__Output, _signalbox_v1_PlanChange>;
  
  Rollback: grpc.handleUnaryCall<_signalbox_v1_RollbackRequest__Output, _signalbox_v1_Rollout>;
  
  StartRollout: grpc.handleUnaryCall<_signalbox_v1_StartRolloutRequest__Output, _signalbox_v1_Rollout>;
  
  StoreConfig: grpc.handleUnaryCall<_signalbox_v1_StoreConfigRequest__Output, _signalbox_v1_StoreConfigResponse>;
  
  WatchRollout: grpc.handleServerStreamingCall<_signalbox_v1_WatchRolloutRequest__Output, _signalbox_v1_Rollout>;
  
}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  ApplyPlan: MethodDefinition<_signalbox_v1_PlanChangeRequest, _signalbox_v1_PlanChange, _signalbox_v1_PlanChangeRequest__Output, _signalbox_v1_PlanChange__Output>
  ExplainHost: MethodDefinition<_signalbox_v1_ExplainHostRequest, _signalbox_v1_ExplainHostResponse, _signalbox_v1_ExplainHostRequest__Output, _signalbox_v1_ExplainHostResponse__Output>
  GetClusterSnapshot: MethodDefinition<_signalbox_v1_GetClusterSnapshotRequest, _signalbox_v1_ClusterSnapshot, _signalbox_v1_GetClusterSnapshotRequest__Output, _signalbox_v1_ClusterSnapshot__Output>
  GetPlan: MethodDefinition<_signalbox_v1_GetPlanRequest, _signalbox_v1_PlanSummary, _signalbox_v1_GetPlanRequest__Output, _signalbox_v1_PlanSummary__Output>
  GetRollout: MethodDefinition<_signalbox_v1_WatchRolloutRequest, _signalbox_v1_Rollout, _signalbox_v1_WatchRolloutRequest__Output, _signalbox_v1_Rollout__Output>
  GetStatus: MethodDefinition<_signalbox_v1_GetStatusRequest, _signalbox_v1_StatusReport, _signalbox_v1_GetStatusRequest__Output, _signalbox_v1_StatusReport__Output>
  ListClusters: MethodDefinition<_signalbox_v1_ListClustersRequest, _signalbox_v1_ListClustersResponse, _signalbox_v1_ListClustersRequest__Output, _signalbox_v1_ListClustersResponse__Output>
  ListRoutes: MethodDefinition<_signalbox_v1_ListRoutesRequest, _signalbox_v1_ListRoutesResponse, _signalbox_v1_ListRoutesRequest__Output, _signalbox_v1_ListRoutesResponse__Output>
  PreviewPlan: MethodDefinition<_signalbox_v1_PlanChangeRequest, _signalbox_v1_PlanChange, _signalbox_v1_PlanChangeRequest__Output, _signalbox_v1_PlanChange__Output>
  Rollback: MethodDefinition<_signalbox_v1_RollbackRequest, _signalbox_v1_Rollout, _signalbox_v1_RollbackRequest__Output, _signalbox_v1_Rollout__Output>
  StartRollout: MethodDefinition<_signalbox_v1_StartRolloutRequest, _signalbox_v1_Rollout, _signalbox_v1_StartRolloutRequest__Output, _signalbox_v1_Rollout__Output>
  StoreConfig: MethodDefinition<_signalbox_v1_StoreConfigRequest, _signalbox_v1_StoreConfigResponse, _signalbox_v1_StoreConfigRequest__Output, _signalbox_v1_StoreConfigResponse__Output>
  WatchRollout: MethodDefinition<_signalbox_v1_WatchRolloutRequest, _signalbox_v1_Rollout, _signalbox_v1_WatchRolloutRequest__Output, _signalbox_v1_Rollout__Output>
}
