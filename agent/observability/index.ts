/**
 * Observability: the JSON logger, Prometheus metrics, the /health and /metrics server, and
 * createAgentTelemetry, which wires them to a running kernel and market stream in one call.
 */
export * from './agent-health.js';
export * from './agent-metrics.js';
export * from './create-agent-telemetry.js';
export * from './create-logger.js';
export * from './read-agent-status.js';
export * from './serve-observability.js';
