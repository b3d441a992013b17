/**
 * The agent: receives metrics from a channel and publishes them.
 * @packageDocumentation
 */
export { Agent, type AgentOptions } from './agent.js';
export type { AgentComponent } from './agent-component.js';
export { Receiver, type ReceiverOptions } from './receiver.js';
export { Nanny, type NannyOptions } from './nanny.js';
export type { NannyLoopOptions, NannyRunReport, RepublishCounts } from './nanny-loop.js';
export { BatchedReceiver, type BatchedReceiverOptions } from './batched-receiver.js';
export { BatchedNanny, type BatchedNannyOptions } from './batched-nanny.js';
export { PublishGate } from './publish-gate.js';
export type { BackoffOptions } from '../retry/backoff.js';
export { AgentStats, PUBLISH_DURATION_BUCKETS, type PublishAttemptOutcome } from './monitoring/agent-stats.js';
export type { Heartbeat, Heartbeats } from './monitoring/heartbeats.js';
export type { Readiness } from './monitoring/readiness.js';
