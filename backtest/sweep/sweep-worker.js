// The worker thread's entry. Workers start as plain Node (even under vitest or tsx), so register tsx's
// loader here before importing the TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./sweep-worker-main.ts');
