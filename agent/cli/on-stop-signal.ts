/**
 * Resolves on the first SIGINT or SIGTERM and calls `onSignal` then; `dispose` removes the handlers.
 *
 * @example
 * const interrupt = onStopSignal(() => agent.stop());
 * try { await agent.done; } finally { interrupt.dispose(); }
 */
export function onStopSignal(onSignal: (signal: NodeJS.Signals) => void): { dispose(): void } {
  const handler = (signal: NodeJS.Signals) => onSignal(signal);
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
