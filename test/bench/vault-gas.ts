/**
 * The vault's gas overhead on a real devnet (issue 3, Performance):
 *
 * - executeTrade minus the same SwapRouter.exactInputSingle called directly, both from one anvil snapshot,
 *   so the pool, the tokens and the oracle are in identical states. The direct swap is the trader's (an
 *   account that, like the vault, already holds both tokens); the difference is what the mandate costs:
 *   two oracle reads, the allowance refill, the checks, the approve/reset, the balance checks and the event.
 * - commitDecisions of a 64-decision batch (built with the journal's Merkle code), per decision.
 *
 * Both figures are whole-transaction gasUsed from the receipts (the 21 000 base and calldata included).
 */
import { type Account, type Chain, type Transport, type WalletClient, createWalletClient, http, keccak256, stringToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { startAnvil } from '../../agent/chain/anvil.js';
import { deployDevnet } from '../../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../../agent/devnet/devnet-clients.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../../agent/devnet/replay-rounds.js';
import { devAggregatorAbi, erc20Abi, swapRouterAbi } from '../../agent/chain/generated/index.js';
import { commitDecisions, executeTrade } from '../../agent/chain/vault/index.js';
import { vaultDevnetExtension } from '../../agent/devnet/devnet-vault.js';
import { decisionHash, decisionIdFor, strategyIdFor } from '../../agent/model/decision-hash.js';
import { holdDecision } from '../support/journal-fixtures.js';
import { buildBatch } from '../../agent/journal/merkle-batches.js';
import { toAddress, type Address, type Hex } from '../../agent/model/address.js';
import type { Benchmark } from './benchmark.js';

const targetOverheadGas = 45_000;
const targetPerDecisionGas = 1_000;
const batchSize = 64;

async function measureVaultGas(): Promise<Record<string, unknown>> {
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  const firstRound = rounds[0]!;
  const anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  try {
    const manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: [vaultDevnetExtension] });
    const { publicClient, chain } = createDevnetClients(anvil.rpcUrl, manifest.chainId);
    const rpc = (method: string, params: unknown[] = []) => publicClient.request({ method: method as 'eth_chainId', params: params as never });
    const wallet = (role: 'agent' | 'trader' | 'deployer'): WalletClient<Transport, Chain, Account> =>
      createWalletClient({ account: privateKeyToAccount(manifest.accounts[role].privateKey), chain, transport: http(anvil.rpcUrl) });
    const vault = manifest.contracts.MandateVault!;
    const usdc = manifest.tokens.USDC.address;
    const weth = manifest.tokens.WETH.address;
    const latestTime = async () => (await publicClient.getBlock({ blockTag: 'latest' })).timestamp;

    // Fresh rounds at the current chain time, as during a live run.
    const deployer = wallet('deployer');
    for (const [feed, answer] of [
      [manifest.feeds['USDC/USD'].address, 100_000_000n],
      [manifest.feeds['ETH/USD'].address, BigInt(manifest.replay.firstAnswer)],
    ] as const) {
      const [roundId] = await publicClient.readContract({ address: feed, abi: devAggregatorAbi, functionName: 'latestRoundData' });
      const at = await latestTime();
      const hash = await deployer.writeContract({ address: feed, abi: devAggregatorAbi, functionName: 'setRound', args: [roundId + 1n, answer, at, at, roundId + 1n] });
      await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
    }

    const amountIn = 1_000n * 10n ** 6n;
    const fee = 500;
    const deadline = (await latestTime()) + 3_600n;
    const snapshot = (await rpc('evm_snapshot')) as Hex;

    const trade = await executeTrade({
      publicClient,
      walletClient: wallet('agent'),
      vault,
      intent: {
        decisionId: decisionIdFor('vault-gas', 1),
        strategyId: strategyIdFor('bench'),
        reasoningHash: keccak256(stringToHex('bench')),
        tokenIn: usdc,
        tokenOut: weth,
        fee,
        amountIn,
        minAmountOut: 0n,
        deadline,
      },
    });

    const breakdown = await tradeGasBreakdown(rpc, trade.hash, {
      feeds: [manifest.feeds['USDC/USD'].address, manifest.feeds['ETH/USD'].address],
      tokens: [usdc, weth],
      router: manifest.uniswap.swapRouter,
    });

    await rpc('evm_revert', [snapshot]);
    const trader = wallet('trader');
    const wethBalance = () => publicClient.readContract({ address: weth, abi: erc20Abi, functionName: 'balanceOf', args: [trader.account.address] });
    const wethBefore = await wethBalance();
    const directHash = await trader.writeContract({
      address: manifest.uniswap.swapRouter,
      abi: swapRouterAbi,
      functionName: 'exactInputSingle',
      args: [{ tokenIn: usdc, tokenOut: weth, fee, recipient: trader.account.address, deadline, amountIn, amountOutMinimum: trade.fill.minAmountOutUsed, sqrtPriceLimitX96: 0n }],
    });
    const direct = await publicClient.waitForTransactionReceipt({ hash: directHash, pollingInterval: 20 });
    if (direct.status !== 'success') throw new Error(`The direct swap reverted (${directHash}).`);
    const directAmountOut = (await wethBalance()) - wethBefore;

    const decisions = Array.from({ length: batchSize }, (_, i) => holdDecision('vault-gas', i + 1)).map((d) => ({ id: d.id, hash: decisionHash(d) }));
    const batch = buildBatch(decisions);
    const commit = await commitDecisions({ publicClient, walletClient: wallet('agent'), vault }, { root: batch.root, count: batch.count });

    const executeTradeGas = Number(trade.receipt.gasUsed);
    const directSwapGas = Number(direct.gasUsed);
    const commit64Gas = Number(commit.receipt.gasUsed);
    return {
      executeTradeGas,
      directSwapGas,
      overheadGas: executeTradeGas - directSwapGas,
      targetOverheadGas,
      executeTradeBreakdown: breakdown,
      commit64Gas,
      perDecisionGas: Math.round((commit64Gas / batchSize) * 10) / 10,
      targetPerDecisionGas,
      // Same swap from the same state: equal outputs show that only the mandate's work differs.
      trade: { pool: fee, amountInUsdc: '1000', vaultAmountOut: trade.fill.amountOut.toString(), directAmountOut: directAmountOut.toString() },
    };
  } finally {
    await anvil.stop();
  }
}

type CallFrame = { to?: string; input: string; gasUsed: string; calls?: CallFrame[] };

/**
 * Where executeTrade's gas goes, from anvil's callTracer: the gas of the vault's calls to the feeds, to the
 * tokens (balanceOf, approve, allowance) and to the router (the swap itself), and the rest: the vault's own
 * work (cold storage, the decisionId write, checks, the event) plus the transaction's intrinsic gas. The
 * parts add up to gasUsed: the refund for the approval going back to 0 is netted in the rest.
 */
async function tradeGasBreakdown(
  rpc: (method: string, params?: unknown[]) => Promise<unknown>,
  hash: Hex,
  addresses: { feeds: Address[]; tokens: Address[]; router: Address },
): Promise<Record<string, number>> {
  const trace = (await rpc('debug_traceTransaction', [hash, { tracer: 'callTracer' }])) as CallFrame;
  const is = (list: Address[], to: string | undefined) => to !== undefined && list.includes(toAddress(to));
  const sum = (filter: (frame: CallFrame) => boolean) =>
    (trace.calls ?? []).filter(filter).reduce((total, frame) => total + Number(BigInt(frame.gasUsed)), 0);
  const oracleCalls = sum((f) => is(addresses.feeds, f.to));
  const tokenCalls = sum((f) => is(addresses.tokens, f.to));
  const routerSwap = sum((f) => is([addresses.router], f.to));
  const total = Number(BigInt(trace.gasUsed));
  return { oracleCalls, tokenCalls, routerSwap, vaultOwnAndIntrinsic: total - oracleCalls - tokenCalls - routerSwap };
}

/** `npm run bench -- --only vault-gas`: the vault's gas overhead per trade and per committed decision. */
export const bench: Benchmark = {
  name: 'vault-gas',
  description: 'MandateVault gas: executeTrade vs the same direct SwapRouter swap, and commitDecisions per decision (batch of 64)',
  run: measureVaultGas,
};
