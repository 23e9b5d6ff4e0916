// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/*
 * ===================================================================================================
 *  MandateVault: the rules, written once, for the TypeScript mirror (agent/policy) to follow exactly.
 * ===================================================================================================
 *
 *  All USD values have 18 decimals. All divisions round DOWN (floor). `now` is block.timestamp.
 *
 *  executeTrade(intent) checks, in this order; the FIRST failing check reverts with its error:
 *
 *   1. msg.sender == agent (a revoked agent is address(0))  NotAgent(address caller)
 *   2. !paused                                               VaultPaused()
 *   3. now <= intent.deadline                                DeadlineExpired(uint64 deadline, uint256 timestamp)
 *   4. decisionId never executed                             DecisionAlreadyExecuted(bytes32 decisionId)
 *   5. tokenIn allowed, then tokenOut allowed                TokenNotAllowed(address token)
 *   6. pool (tokenIn, tokenOut, fee) allowed                 PoolNotAllowed(address tokenIn, address tokenOut, uint24 fee)
 *      (order-independent pair; tokenIn == tokenOut is never an allowed pool)
 *   7. intent.amountIn > 0                                   ZeroAmountIn()
 *   8. only if a sequencer-uptime feed is set (immutable, L2s): read its latestRoundData();
 *      answer != 0 || startedAt == 0 || startedAt > now  -> SequencerDown(int256 answer, uint256 startedAt)
 *      now - startedAt <= gracePeriod                    -> SequencerGracePeriodActive(uint256 upSince, uint256 tradableAfter)
 *                                                           (tradableAfter = startedAt + gracePeriod; trading
 *                                                            resumes when now > tradableAfter)
 *   9. oracle of tokenIn, then oracle of tokenOut; for each feed, latestRoundData() then, in order:
 *      answer <= 0 || answer > type(int192).max          -> OracleAnswerInvalid(address feed, int256 answer)
 *      updatedAt == 0 || updatedAt > now                 -> OracleTimestampInvalid(address feed, uint256 updatedAt, uint256 timestamp)
 *      now - updatedAt > token.maxOracleAge              -> OracleStale(address feed, uint256 updatedAt, uint32 maxAge, uint256 timestamp)
 *      then feed.decimals() (read on every trade):
 *      feedDecimals > 36                                 -> OracleDecimalsUnsupported(address feed, uint8 decimals)
 *      price18 = feedDecimals <= 18 ? answer * 10^(18 - feedDecimals) : answer / 10^(feedDecimals - 18)
 *      price18 == 0 (a positive answer below 1e-18 USD)  -> OracleAnswerInvalid(address feed, int256 answer)
 *      Right after both oracles (still before check 10) the pricing is computed, with exact 512-bit
 *      intermediates; a result that does not fit 256 bits reverts FixedPointMath.MulDivOverflow(uint256 x,
 *      uint256 y, uint256 denominator) (valueUsd first, then oracleOut; no real token amount gets there):
 *      valueUsd    = floor(amountIn * price18In / 10^tokenInDecimals)
 *      oracleOut   = floor(valueUsd * 10^tokenOutDecimals / price18Out)
 *      oracleFloor = floor(oracleOut * (10_000 - maxSlippageBps) / 10_000)
 *  10. valueUsd > policy.perTradeCapUsd                  -> TradeValueExceedsCap(uint256 value, uint256 cap)
 *  11. valueUsd > accruedAllowance (see below)           -> TradeValueExceedsAllowance(uint256 value, uint256 allowance)
 *  12. lastTradeAt != 0 && now < lastTradeAt + cooldown  -> CooldownActive(uint256 lastTradeAt, uint256 readyAt)
 *      (the first trade ever is always allowed; readyAt = lastTradeAt + cooldown; a trade AT readyAt passes)
 *
 *  Then the minimum output and the swap:
 *      minAmountOutUsed = max(intent.minAmountOut, oracleFloor)
 *  State is written before the swap: the decisionId is marked executed, allowance -= valueUsd,
 *  lastTradeAt = now. The vault approves the router for exactly amountIn, calls
 *  SwapRouter.exactInputSingle(tokenIn, tokenOut, fee, recipient = vault, deadline, amountIn,
 *  amountOutMinimum = minAmountOutUsed, sqrtPriceLimitX96 = 0), resets the approval to 0 and checks the
 *  balance deltas:
 *      tokenIn balance fell by exactly amountIn          else UnexpectedAmountSpent(uint256 spent, uint256 amountIn)
 *      tokenOut balance rose by >= minAmountOutUsed      else InsufficientOutput(uint256 received, uint256 minAmountOut)
 *  A pool that cannot deliver minAmountOutUsed makes the router revert with Error("Too little received").
 *  amountOut returned and emitted is the measured tokenOut balance increase.
 *
 *  Allowance (a STEP refill, anchored at `allowanceUpdatedAt`):
 *      steps            = floor((now - allowanceUpdatedAt) / refillInterval)
 *      accruedAllowance = min(allowanceCapUsd, allowanceUsd + steps * refillAmountUsd)
 *      anchor moves to allowanceUpdatedAt + steps * refillInterval (also while the allowance sits at its cap,
 *      so the refill phase never drifts). The vault is deployed with a full allowance (= allowanceCapUsd) and
 *      anchor = deploy time. Every policy change first settles the accrual under the old policy, then clamps
 *      the allowance to the new cap. Read `allowanceState()` for (allowanceUsd, allowanceUpdatedAt).
 *
 *  commitDecisions(root, count) checks, in order: NotAgent(caller), VaultPaused(), EmptyBatch() when
 *  count == 0, ZeroRoot() when root == 0. Batches are numbered from 1; batchRoot(0) == 0 is the prevRoot of
 *  batch 1. Leaves follow @openzeppelin/merkle-tree StandardMerkleTree.of(values, ['bytes32','bytes32']) with
 *  values [decisionId, decisionHash]: leaf = keccak256(bytes.concat(keccak256(abi.encode(id, hash)))), pairs
 *  hashed sorted.
 *
 *  Policy changes. "Tightening" means every field is the same or stricter: per-trade cap, allowance cap,
 *  refill amount and max slippage not higher; refill interval and cooldown not lower; for a token, a lower
 *  maxOracleAge or removal; removing a pool; raising the timelock delay; pausing; revoking the agent. The owner
 *  or the guardian applies tightening immediately. Everything else (any loosening, adding or re-pointing a
 *  token, adding a pool, lowering the timelock delay) is queued by the owner and applied by the owner once
 *  now >= eta (eta = queue time + timelockDelay); the owner or guardian may cancel a pending change.
 *  Unpause, setAgent, setGuardian, withdraw and ownership transfer are owner-only and immediate (the owner
 *  can withdraw everything at once anyway, so delaying these would protect nothing). The timelock delay is at
 *  most 30 days (InvalidPolicyField("timelockDelay", delay, 2592000)), so a guardian cannot freeze the queue.
 *
 *  Admin checks run in this order: role (NotOwner / NotOwnerOrGuardian), then value validation
 *  (ZeroAddress, InvalidPolicyField, UnsupportedTokenDecimals, InvalidPool, TokenNotConfigured), then the
 *  tightening comparison field by field in Policy order (NotTightening), or for the queue ChangeNotPending then
 *  ChangeNotReady.
 */

/// @title MandateVault interface: the policy-limited vault an autonomous trading agent trades through.
/// @notice Funds stay in the vault. The agent may only `executeTrade` (within the policy) and
///         `commitDecisions`; the owner withdraws; the guardian can only make things stricter.
interface IMandateVault {
    // ------------------------------------------------------------------ types

    /// @notice One trade the agent asks for; `decisionId` ties it to the agent's journal.
    struct TradeIntent {
        bytes32 decisionId;
        bytes32 strategyId;
        bytes32 reasoningHash;
        address tokenIn;
        address tokenOut;
        uint24 fee;
        uint256 amountIn;
        uint256 minAmountOut;
        uint64 deadline;
    }

    /// @notice The trading limits. USD amounts have 18 decimals; intervals are seconds.
    struct Policy {
        uint96 perTradeCapUsd;
        uint96 allowanceCapUsd;
        uint96 refillAmountUsd;
        uint32 refillInterval;
        uint16 maxSlippageBps;
        uint32 cooldown;
    }

    /// @notice How a token is priced. `decimals` is the token's, read when it was configured.
    struct TokenConfig {
        address feed;
        uint32 maxOracleAge;
        uint8 decimals;
        bool allowed;
    }

    /// @notice A token to allow at deploy time.
    struct TokenSetup {
        address token;
        address feed;
        uint32 maxOracleAge;
    }

    /// @notice A pool to allow at deploy time (token order does not matter).
    struct PoolSetup {
        address tokenA;
        address tokenB;
        uint24 fee;
    }

    /// @notice Everything the constructor needs; the vault is fully configured when deployed.
    /// @dev `sequencerUptimeFeed` is address(0) on L1; it and its grace period are immutable.
    struct VaultSetup {
        address router;
        address owner;
        address guardian;
        address agent;
        uint64 timelockDelay;
        Policy policy;
        TokenSetup[] tokens;
        PoolSetup[] pools;
        address sequencerUptimeFeed;
        uint32 sequencerGracePeriod;
    }

    /// @notice What a queued change does; its `data` is the ABI encoding named here.
    /// @dev SetPolicy: abi.encode(Policy); SetToken: abi.encode(address token, address feed, uint32 maxOracleAge);
    ///      AllowPool: abi.encode(address tokenA, address tokenB, uint24 fee); SetTimelockDelay: abi.encode(uint64).
    enum ChangeKind {
        SetPolicy,
        SetToken,
        AllowPool,
        SetTimelockDelay
    }

    // ------------------------------------------------------------------ trade errors (check order above)

    /// @notice Only the agent may trade or commit decisions.
    /// @param caller The address that called.
    error NotAgent(address caller);
    /// @notice The vault is paused: every agent call reverts.
    error VaultPaused();
    /// @notice The intent's deadline has passed.
    /// @param deadline The intent's deadline.
    /// @param timestamp The block time.
    error DeadlineExpired(uint64 deadline, uint256 timestamp);
    /// @notice This decisionId was already executed; a decision trades at most once.
    /// @param decisionId The repeated id.
    error DecisionAlreadyExecuted(bytes32 decisionId);
    /// @notice The token is not on the allow-list.
    /// @param token The rejected token (tokenIn is checked before tokenOut).
    error TokenNotAllowed(address token);
    /// @notice The pool (pair + fee) is not on the allow-list.
    /// @param tokenIn The intent's tokenIn.
    /// @param tokenOut The intent's tokenOut.
    /// @param fee The fee tier.
    error PoolNotAllowed(address tokenIn, address tokenOut, uint24 fee);
    /// @notice amountIn must be positive.
    error ZeroAmountIn();
    /// @notice The L2 sequencer is reported down (or its feed has no valid round).
    /// @param answer The uptime feed's answer (0 = up).
    /// @param startedAt When the status last changed.
    error SequencerDown(int256 answer, uint256 startedAt);
    /// @notice The sequencer came back too recently; prices may not have caught up.
    /// @param upSince When the sequencer came back.
    /// @param tradableAfter Trading resumes strictly after this time.
    error SequencerGracePeriodActive(uint256 upSince, uint256 tradableAfter);
    /// @notice The feed's answer is not positive, is above type(int192).max, or rounds to 0 at 18 decimals.
    /// @param feed The price feed.
    /// @param answer Its answer.
    error OracleAnswerInvalid(address feed, int256 answer);
    /// @notice The feed's updatedAt is 0 (no round) or in the future.
    /// @param feed The price feed.
    /// @param updatedAt Its updatedAt.
    /// @param timestamp The block time.
    error OracleTimestampInvalid(address feed, uint256 updatedAt, uint256 timestamp);
    /// @notice The feed's answer is older than the token's maxOracleAge.
    /// @param feed The price feed.
    /// @param updatedAt Its updatedAt.
    /// @param maxAge The allowed age.
    /// @param timestamp The block time.
    error OracleStale(address feed, uint256 updatedAt, uint32 maxAge, uint256 timestamp);
    /// @notice The feed reports more than 36 decimals, which the vault's fixed-point math does not support.
    /// @param feed The price feed.
    /// @param decimals What it reported.
    error OracleDecimalsUnsupported(address feed, uint8 decimals);
    /// @notice The trade's oracle value is above the per-trade cap.
    /// @param value The trade's value in USD (18 decimals).
    /// @param cap The per-trade cap.
    error TradeValueExceedsCap(uint256 value, uint256 cap);
    /// @notice The trade's oracle value is above the currently accrued allowance.
    /// @param value The trade's value in USD (18 decimals).
    /// @param allowance The accrued allowance.
    error TradeValueExceedsAllowance(uint256 value, uint256 allowance);
    /// @notice The cooldown since the last trade has not passed.
    /// @param lastTradeAt The last trade's time.
    /// @param readyAt The first time a trade is allowed again.
    error CooldownActive(uint256 lastTradeAt, uint256 readyAt);
    /// @notice After the swap, the vault's tokenIn balance did not fall by exactly amountIn.
    /// @param spent The measured decrease.
    /// @param amountIn The intent's amountIn.
    error UnexpectedAmountSpent(uint256 spent, uint256 amountIn);
    /// @notice After the swap, the vault received less tokenOut than the minimum it enforced.
    /// @param received The measured increase.
    /// @param minAmountOut The minimum used (the oracle floor or the intent's).
    error InsufficientOutput(uint256 received, uint256 minAmountOut);
    /// @notice A token's transfer or approve call failed or returned false.
    /// @param token The token.
    /// @param selector The function called.
    error TokenCallFailed(address token, bytes4 selector);

    // ------------------------------------------------------------------ decision log errors

    /// @notice A batch must hold at least one decision.
    error EmptyBatch();
    /// @notice A batch root cannot be zero (zero marks "no batch").
    error ZeroRoot();

    // ------------------------------------------------------------------ admin errors

    /// @notice Only the owner may call this.
    /// @param caller The address that called.
    error NotOwner(address caller);
    /// @notice Only the owner or the guardian may call this.
    /// @param caller The address that called.
    error NotOwnerOrGuardian(address caller);
    /// @notice Only the pending owner may accept ownership.
    /// @param caller The address that called.
    error NotPendingOwner(address caller);
    /// @notice An address that must be set was zero.
    /// @param what Which parameter ("router", "owner", "guardian", "agent", "token", "feed", "to").
    error ZeroAddress(string what);
    /// @notice A policy field is out of range.
    /// @param field The field name.
    /// @param value The rejected value.
    /// @param limit The bound it broke
    ///        (refillInterval and maxOracleAge must be >= 1, maxSlippageBps <= 10000, timelockDelay <= 30 days).
    error InvalidPolicyField(string field, uint256 value, uint256 limit);
    /// @notice An immediate (tightening) change would loosen this field; queue it instead.
    /// @param field The field name.
    /// @param current Its current value.
    /// @param proposed The value asked for.
    error NotTightening(string field, uint256 current, uint256 proposed);
    /// @notice The token reports more than 36 decimals.
    /// @param token The token.
    /// @param decimals What it reported.
    error UnsupportedTokenDecimals(address token, uint8 decimals);
    /// @notice The token is not configured.
    /// @param token The token.
    error TokenNotConfigured(address token);
    /// @notice A pool needs two different tokens and a non-zero fee.
    /// @param tokenA First token.
    /// @param tokenB Second token.
    /// @param fee Fee tier.
    error InvalidPool(address tokenA, address tokenB, uint24 fee);
    /// @notice No pending change has this id (never queued, applied or cancelled).
    /// @param id The change id.
    error ChangeNotPending(uint256 id);
    /// @notice The change's timelock has not passed.
    /// @param id The change id.
    /// @param eta When it may be applied.
    /// @param timestamp The block time.
    error ChangeNotReady(uint256 id, uint64 eta, uint256 timestamp);

    // ------------------------------------------------------------------ events

    /// @notice A trade went through. `amountIn`/`amountOut` are the vault's measured balance changes.
    event TradeExecuted(
        bytes32 indexed decisionId,
        bytes32 indexed strategyId,
        bytes32 reasoningHash,
        address tokenIn,
        address tokenOut,
        uint24 fee,
        uint256 amountIn,
        uint256 amountOut,
        uint256 minAmountOutUsed,
        uint256 valueUsd
    );
    /// @notice The agent committed a Merkle root of `count` non-trade decisions; batches chain by prevRoot.
    event DecisionsCommitted(uint256 indexed batch, bytes32 root, uint32 count, bytes32 prevRoot);
    /// @notice The policy changed (deploy, tightening or an applied change). Re-read `policy()` and `allowanceState()`.
    event PolicyUpdated(Policy policy);
    /// @notice A token was allowed, re-pointed, or its maxOracleAge changed.
    event TokenConfigured(address indexed token, address feed, uint32 maxOracleAge, uint8 decimals);
    /// @notice A token was removed from the allow-list.
    event TokenRemoved(address indexed token);
    /// @notice A pool was allowed (token0 < token1).
    event PoolAllowed(address indexed token0, address indexed token1, uint24 fee);
    /// @notice A pool was removed (token0 < token1).
    event PoolRemoved(address indexed token0, address indexed token1, uint24 fee);
    /// @notice The owner queued a loosening change, applicable from `eta`.
    event ChangeQueued(uint256 indexed id, ChangeKind kind, bytes data, uint64 eta);
    /// @notice A queued change was applied.
    event ChangeApplied(uint256 indexed id, ChangeKind kind);
    /// @notice A queued change was cancelled by the owner or the guardian.
    event ChangeCancelled(uint256 indexed id, address indexed by);
    /// @notice The vault was paused.
    event Paused(address indexed by);
    /// @notice The vault was unpaused (owner only).
    event Unpaused(address indexed by);
    /// @notice The agent changed; address(0) means revoked.
    event AgentChanged(address indexed previousAgent, address indexed newAgent, address indexed by);
    /// @notice The guardian changed.
    event GuardianChanged(address indexed previousGuardian, address indexed newGuardian);
    /// @notice The owner started a two-step ownership transfer.
    event OwnershipTransferStarted(address indexed previousOwner, address indexed pendingOwner);
    /// @notice Ownership moved (or the pending transfer was accepted).
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// @notice The timelock delay for loosening changes changed.
    event TimelockDelayChanged(uint64 previousDelay, uint64 newDelay);
    /// @notice The owner withdrew funds (always to the owner).
    event Withdrawn(address indexed token, address indexed to, uint256 amount);

    // ------------------------------------------------------------------ agent

    /// @notice Swaps `intent.amountIn` of tokenIn for tokenOut through the SwapRouter, within the policy.
    /// @param intent The trade; see the check order at the top of this file.
    /// @return amountOut The measured tokenOut the vault received.
    function executeTrade(TradeIntent calldata intent) external returns (uint256 amountOut);

    /// @notice Commits the Merkle root of a batch of `count` non-trade decisions (holds, denials).
    /// @param root The StandardMerkleTree root.
    /// @param count How many decisions the batch holds.
    function commitDecisions(bytes32 root, uint32 count) external;

    // ------------------------------------------------------------------ owner or guardian: tighten, immediate

    /// @notice Stops all agent calls.
    function pause() external;
    /// @notice Removes the agent (sets it to address(0)).
    function revokeAgent() external;
    /// @notice Applies a policy at once if every field is the same or stricter.
    /// @param newPolicy The stricter policy.
    function tightenPolicy(Policy calldata newPolicy) external;
    /// @notice Removes a token from the allow-list.
    /// @param token The token.
    function removeToken(address token) external;
    /// @notice Lowers a token's maxOracleAge.
    /// @param token The token.
    /// @param maxOracleAge The new, lower (or equal) age in seconds.
    function tightenOracleAge(address token, uint32 maxOracleAge) external;
    /// @notice Removes a pool from the allow-list.
    /// @param tokenA One token.
    /// @param tokenB The other.
    /// @param fee The fee tier.
    function removePool(address tokenA, address tokenB, uint24 fee) external;
    /// @notice Raises the timelock delay for future queued changes.
    /// @param delay The new, higher (or equal) delay in seconds.
    function increaseTimelockDelay(uint64 delay) external;
    /// @notice Cancels a pending change.
    /// @param id The change id.
    function cancelChange(uint256 id) external;

    // ------------------------------------------------------------------ owner only

    /// @notice Queues a new policy, applicable after the timelock.
    /// @param newPolicy The policy.
    /// @return id The change id.
    function queuePolicy(Policy calldata newPolicy) external returns (uint256 id);
    /// @notice Queues allowing (or re-pointing) a token, applicable after the timelock.
    /// @param token The token.
    /// @param feed Its USD price feed.
    /// @param maxOracleAge Oldest answer accepted, seconds.
    /// @return id The change id.
    function queueToken(address token, address feed, uint32 maxOracleAge) external returns (uint256 id);
    /// @notice Queues allowing a pool, applicable after the timelock.
    /// @param tokenA One token.
    /// @param tokenB The other.
    /// @param fee The fee tier.
    /// @return id The change id.
    function queuePool(address tokenA, address tokenB, uint24 fee) external returns (uint256 id);
    /// @notice Queues a new (typically lower) timelock delay, applicable after the current delay.
    /// @param delay The new delay in seconds.
    /// @return id The change id.
    function queueTimelockDelay(uint64 delay) external returns (uint256 id);
    /// @notice Applies a pending change whose eta has come.
    /// @param id The change id.
    function applyChange(uint256 id) external;
    /// @notice Lifts a pause.
    function unpause() external;
    /// @notice Sets a new agent.
    /// @param newAgent The agent's address.
    function setAgent(address newAgent) external;
    /// @notice Sets a new guardian (address(0) removes it).
    /// @param newGuardian The guardian's address.
    function setGuardian(address newGuardian) external;
    /// @notice Sends `amount` of `token` to the owner.
    /// @param token The token.
    /// @param amount How much.
    function withdraw(address token, uint256 amount) external;
    /// @notice Starts a two-step ownership transfer.
    /// @param newOwner The proposed owner, who must call acceptOwnership.
    function transferOwnership(address newOwner) external;
    /// @notice Completes a two-step ownership transfer (called by the pending owner).
    function acceptOwnership() external;

    // ------------------------------------------------------------------ views

    /// @notice The Uniswap v3 SwapRouter every trade goes through (immutable).
    function router() external view returns (address);
    /// @notice The owner.
    function owner() external view returns (address);
    /// @notice The pending owner of a two-step transfer, or address(0).
    function pendingOwner() external view returns (address);
    /// @notice The guardian.
    function guardian() external view returns (address);
    /// @notice The agent (address(0) when revoked).
    function agent() external view returns (address);
    /// @notice Whether agent calls are paused.
    function paused() external view returns (bool);
    /// @notice The timelock delay for loosening changes, seconds.
    function timelockDelay() external view returns (uint64);
    /// @notice The current policy.
    function policy() external view returns (Policy memory);
    /// @notice The stored allowance and its refill anchor (settled at the last trade or policy change).
    function allowanceState() external view returns (uint96 allowanceUsd, uint40 allowanceUpdatedAt);
    /// @notice The allowance available as of block.timestamp (see the formula at the top of this file).
    function accruedAllowance() external view returns (uint256);
    /// @notice Time of the last trade, 0 before the first.
    function lastTradeAt() external view returns (uint40);
    /// @notice A token's configuration (allowed == false when not on the allow-list).
    function tokenConfig(address token) external view returns (TokenConfig memory);
    /// @notice Whether the pool (pair + fee) is allowed; token order does not matter.
    function poolAllowed(address tokenA, address tokenB, uint24 fee) external view returns (bool);
    /// @notice Whether a decisionId has been executed.
    function decisionExecuted(bytes32 decisionId) external view returns (bool);
    /// @notice The ids of all pending changes (unordered).
    function pendingChangeIds() external view returns (uint256[] memory);
    /// @notice A pending change; reverts ChangeNotPending if it is not pending.
    function pendingChange(uint256 id) external view returns (ChangeKind kind, bytes memory data, uint64 eta);
    /// @notice How many changes were ever queued (ids run from 1 to this).
    function changeCount() external view returns (uint256);
    /// @notice The L2 sequencer-uptime feed, or address(0) when none (immutable).
    function sequencerUptimeFeed() external view returns (address);
    /// @notice Seconds after the sequencer comes back before trading resumes (immutable).
    function sequencerGracePeriod() external view returns (uint32);
    /// @notice How many decision batches were committed (batches are numbered 1..batchCount).
    function batchCount() external view returns (uint256);
    /// @notice The root of batch `batch`; 0 for batch 0 and unknown batches.
    function batchRoot(uint256 batch) external view returns (bytes32);
    /// @notice The oracle pricing a trade would use now: checks 5 (tokens allowed) and 9 (both oracles) of the
    ///         order above and the value/floor formulas, without the policy limits, pool, sequencer or swap.
    /// @param tokenIn Token sold.
    /// @param tokenOut Token bought.
    /// @param amountIn Amount sold.
    /// @return valueUsd USD value, 18 decimals.
    /// @return oracleOut Oracle-implied output.
    /// @return oracleFloor oracleOut less maxSlippageBps: the least minAmountOutUsed can be.
    function quoteTrade(address tokenIn, address tokenOut, uint256 amountIn)
        external
        view
        returns (uint256 valueUsd, uint256 oracleOut, uint256 oracleFloor);
    /// @notice Whether (decisionId, decisionHash) is in committed batch `batch`, by its StandardMerkleTree proof.
    function verifyDecision(uint256 batch, bytes32 decisionId, bytes32 decisionHash, bytes32[] calldata proof)
        external
        view
        returns (bool);
}
