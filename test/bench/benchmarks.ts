import { kernelThroughputBenchmark } from './measure-kernel-throughput.js';
import { bench as agentLatencyBenchmark } from './agent-latency.js';
import type { Benchmark } from './benchmark.js';
import { bench as vaultGasBenchmark } from './vault-gas.js';
import { journalThroughputBenchmark } from './journal-throughput.js';
import { swapSimulatorBenchmark } from './swap-simulator.js';
import { bench as backtestThroughputBenchmark } from './backtest-throughput.js';
import { bench as backtestVsGrademarkBenchmark } from './backtest-vs-grademark.js';
import { bench as backtestCliVsGrademarkBenchmark } from './backtest-cli-vs-grademark.js';
import { bench as soakBenchmark } from './soak.js';
import { bench as sweepSpeedupBenchmark } from './sweep-speedup.js';
import { bench as sweepQueueBenchmark } from './sweep-queue.js';
import { bench as consoleScaleBenchmark } from './console-scale.js';

/** Every benchmark `npm run bench` runs, in order. */
export const benchmarks: Benchmark[] = [kernelThroughputBenchmark, journalThroughputBenchmark, swapSimulatorBenchmark, vaultGasBenchmark, backtestThroughputBenchmark, backtestCliVsGrademarkBenchmark, backtestVsGrademarkBenchmark, sweepSpeedupBenchmark, sweepQueueBenchmark, soakBenchmark, agentLatencyBenchmark, consoleScaleBenchmark];
