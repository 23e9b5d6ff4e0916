import type { Command } from 'commander';
import { verifySwaps, VerifySwapsOptionError, type VerifySwapsReturnType } from '../../../backtest/verify-swaps/verify-swaps.js';
import { commandAction, withCommonOptions } from '../action.js';

function parseInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value)) {
    throw new VerifySwapsOptionError(`Invalid ${name}.`, { details: `Got ${JSON.stringify(text)}; expected a whole number.` });
  }
  return value;
}

function render(report: VerifySwapsReturnType): string {
  const lines = [
    `${report.swaps} swaps in ${report.file} (fee ${report.fee}, tick spacing ${report.tickSpacing}):`,
    `  matched       ${report.matched} (${report.crossed.none} inside one range, ${report.crossed.oneInferred} across one initialised tick inferred from the next state)`,
    `  mismatched    ${report.mismatched}`,
    `  unverifiable  ${report.unverifiable}${Object.entries(report.unverifiableReasons).map(([reason, n]) => `\n    ${n} ${reason}`).join('')}`,
  ];
  if (report.mismatches.length > 0) {
    lines.push('  first mismatches:', ...report.mismatches.map((m) => `    line ${m.line}: ${m.reason}`));
  }
  if (report.rejected > 0) {
    lines.push(`  rejected rows ${report.rejected}`, ...report.rejectedRows.map((r) => `    line ${r.line}: ${r.reason}`));
  }
  return lines.join('\n');
}

/**
 * `mandate verify-swaps <events.csv> --fee <fee>`: replays every SWAP row of a Uniswap v3 events file with
 * the native pool simulator and reports how many it reproduces exactly.
 *
 * @example
 * registerVerifySwapsCommand(program);
 * // mandate verify-swaps data/uniswap-v3/usdc-weth-500-2024-01-05.events.csv --fee 500 --json
 */
export function registerVerifySwapsCommand(program: Command): void {
  withCommonOptions(
    program
      .command('verify-swaps')
      .description('replay the SWAP rows of a Uniswap v3 events CSV with the exact pool math and count the matches')
      .argument('<events.csv>', 'a file in the uniswap-v3 *.events.csv layout')
      .requiredOption('--fee <fee>', "the pool's fee in hundredths of a bip: 100, 500, 3000 or 10000")
      .option('--tick-spacing <spacing>', "the pool's tick spacing (default: the factory's for the fee)")
      .option('--list <count>', 'how many mismatched and rejected rows to list', '20'),
  ).action(
    commandAction(
      async (_ctx, path: string, options: { fee: string; tickSpacing?: string; list: string }) =>
        verifySwaps({
          path,
          fee: parseInteger('--fee', options.fee),
          tickSpacing: options.tickSpacing === undefined ? undefined : parseInteger('--tick-spacing', options.tickSpacing),
          listLimit: parseInteger('--list', options.list),
        }),
      render,
    ),
  );
}
