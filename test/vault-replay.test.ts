/**
 * The devnet vault on the replayed market: the market driver replays real ETH/USD rounds (warping chain
 * time, arbitrage and noise swaps on both pools) while the agent trades $4,500 through the vault after
 * every round, alternating sides and pools, then fires a second trade at once. With the devnet policy (the
 * config's risk defaults) the agent trades meaningfully (every first trade fills, within the 1 % oracle
 * floor) and the policy binds: the repeat meets the 5-minute cooldown, or the allowance first when the
 * rounds come faster than its $5,000-per-hour refill. Denials are the vault's decoded errors.
 */
import { type Account, type Chain, type PublicClient, type Transport, type WalletClient, createWalletClient, http, keccak256, stringToHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnvilInstance, startAnvil } from '../agent/chain/anvil.js';
import { deployDevnet } from '../agent/devnet/deploy-devnet.js';
import { createDevnetClients } from '../agent/devnet/devnet-clients.js';
import type { DevnetManifest } from '../agent/devnet/devnet-manifest.js';
import { runMarketDriver } from '../agent/devnet/market-driver.js';
import { defaultReplayCsvPath, loadReplayRounds } from '../agent/devnet/replay-rounds.js';
import { VaultRevertError, executeTrade } from '../agent/chain/vault/index.js';
import { vaultDevnetExtension } from '../agent/devnet/devnet-vault.js';
import { decisionIdFor, strategyIdFor } from '../agent/model/decision-hash.js';

let anvil: AnvilInstance;
let manifest: DevnetManifest;
let publicClient: PublicClient;
let agent: WalletClient<Transport, Chain, Account>;

beforeAll(async () => {
  const { rounds } = await loadReplayRounds(defaultReplayCsvPath);
  const firstRound = rounds[0]!;
  anvil = await startAnvil({ timestamp: firstRound.updatedAt - 60n });
  manifest = await deployDevnet({ rpcUrl: anvil.rpcUrl, firstRound, replaySource: defaultReplayCsvPath, extensions: [vaultDevnetExtension] });
  const clients = createDevnetClients(anvil.rpcUrl, manifest.chainId);
  publicClient = clients.publicClient;
  agent = createWalletClient({ account: privateKeyToAccount(manifest.accounts.agent.privateKey), chain: clients.chain, transport: http(anvil.rpcUrl) });
});

afterAll(async () => {
  await anvil?.stop();
});

describe('the devnet vault on the replayed market', () => {
  it('fills $4,500 trades on both pools round after round; a second trade in the same round is denied by the cooldown or the allowance', async () => {
    const vault = manifest.contracts.MandateVault!;
    const usdc = manifest.tokens.USDC.address;
    const weth = manifest.tokens.WETH.address;
    const outcomes: string[] = [];
    let seq = 0;

    const attempt = async (round: { answer: bigint; roundId: bigint }, chainTime: bigint, buy: boolean, fee: number) => {
      seq += 1;
      // $4,500 either way: USDC at 1.00, WETH at the round's price (8 decimals).
      const amountIn = buy ? 4_500n * 10n ** 6n : (4_500n * 10n ** 18n * 10n ** 8n) / round.answer;
      try {
        const { fill, receipt } = await executeTrade({
          publicClient,
          walletClient: agent,
          vault,
          intent: {
            decisionId: decisionIdFor('vault-replay', seq),
            strategyId: strategyIdFor('replay'),
            reasoningHash: keccak256(stringToHex(`round ${round.roundId} attempt ${seq}`)),
            tokenIn: buy ? usdc : weth,
            tokenOut: buy ? weth : usdc,
            fee,
            amountIn,
            minAmountOut: 0n,
            deadline: chainTime + 600n,
          },
        });
        expect(fill.amountOut).toBeGreaterThanOrEqual(fill.minAmountOutUsed);
        outcomes.push('filled');
        return (await publicClient.getBlock({ blockNumber: receipt.blockNumber })).timestamp;
      } catch (error) {
        if (!(error instanceof VaultRevertError)) throw error;
        outcomes.push(error.errorName);
        return error;
      }
    };

    let rounds = 0;
    await runMarketDriver({
      manifest,
      maxRounds: 40,
      onRound: async ({ round, chainTime }) => {
        rounds += 1;
        const buy = rounds % 2 === 1;
        const fee = rounds % 4 < 2 ? 500 : 3000;
        const tradedAt = await attempt(round, chainTime, buy, fee);
        // An agent that fires again at once (a second signal on the same market move) meets the cooldown, or
        // first the allowance (checked before the cooldown) when the rounds came faster than the refill.
        const again = await attempt(round, chainTime, !buy, fee);
        expect(again).toBeInstanceOf(VaultRevertError);
        const denial = again as VaultRevertError;
        if (denial.errorName === 'CooldownActive' && typeof tradedAt === 'bigint') expect(denial.args).toEqual([tradedAt, tradedAt + 300n]);
      },
    });

    const count = (what: string) => outcomes.filter((o) => o === what).length;
    console.log(`40 replayed rounds, two $4,500 attempts each: ${JSON.stringify(Object.fromEntries([...new Set(outcomes)].map((o) => [o, count(o)])))}`);
    expect(rounds).toBe(40);
    // Trades fill on both pools through the replay (the pools stay within the 1 % oracle floor, the oracle stays
    // fresh), and the policy binds: the cooldown on a repeat, the allowance when rounds outpace the refill.
    expect(count('filled')).toBeGreaterThanOrEqual(30);
    expect(count('CooldownActive')).toBeGreaterThanOrEqual(1);
    expect(count('TradeValueExceedsAllowance')).toBeGreaterThanOrEqual(1);
    expect(count('filled') + count('CooldownActive') + count('TradeValueExceedsAllowance')).toBe(80);
  });
});
