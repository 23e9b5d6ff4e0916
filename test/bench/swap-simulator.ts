import { benchmarkSwapSimulator } from './measure-swap-simulator.js';
import type { Benchmark } from './benchmark.js';

export const swapSimulatorBenchmark: Benchmark = {
  name: 'swap-simulator',
  description: 'native-bigint Uniswap v3 swaps/s vs @uniswap/v3-sdk Pool.getOutputAmount on the same swaps',
  run: async () => ({ ...(await benchmarkSwapSimulator({ swaps: 5_000 })), targetSpeedup: 100, targetMismatches: 0 }),
};
