// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm, Vm} from "../../utils/Vm.sol";
import {TestAggregator} from "../../utils/TestAggregator.sol";
import {IERC20Minimal} from "../../../src/interfaces/IERC20Minimal.sol";
import {IMandateVault} from "../../../src/interfaces/IMandateVault.sol";
import {HandlerBase, World, ConfigSnapshot, ROLE_AGENT} from "./HandlerBase.sol";

/// @notice The agent: trades (sometimes replaying a decisionId, past its deadline, over the cap, in a pool that
///         is not allowed) and commits decision batches. Every success is checked against what the policy allowed
///         just before it; each broken rule is counted, and the invariants require every count to stay 0.
contract AgentHandler is HandlerBase {
    bytes32 internal constant TRADE_EXECUTED = keccak256(
        "TradeExecuted(bytes32,bytes32,bytes32,address,address,uint24,uint256,uint256,uint256,uint256)"
    );

    /// @notice What held just before a trade, read from the vault and the feeds (not from the trade).
    struct Before {
        bool paused;
        bool oraclesValid;
        bool tokensAndPoolAllowed;
        uint256 perTradeCap;
        uint256 accrued;
        uint256 cooldown;
        uint256 referenceValueUsd;
        uint256 inBalance;
        uint256 outBalance;
    }

    uint256 internal nonce;
    bytes32[] public executedIds;
    mapping(bytes32 => uint256) public executions;
    mapping(address => uint256) public sold;
    mapping(address => uint256) public bought;
    bytes32[] public committedRoots;
    uint256 public lastTradeTime;
    uint256 public successfulTrades;

    uint256 public pausedViolations;
    uint256 public badOracleViolations;
    uint256 public notAllowedViolations;
    uint256 public capViolations;
    uint256 public allowanceViolations;
    uint256 public duplicateViolations;
    uint256 public cooldownViolations;
    uint256 public eventViolations;
    uint256 public valueViolations;

    constructor(World memory world_) HandlerBase(world_) {}

    function executeTrade(uint256 pairSeed, uint256 amountSeed, uint256 minSeed, uint256 flags) external {
        IMandateVault.TradeIntent memory t = _intent(pairSeed, amountSeed, minSeed, flags);
        Before memory b = _before(t);
        ConfigSnapshot memory config = snapshot();
        vm.recordLogs();
        vm.prank(ROLE_AGENT);
        try vault.executeTrade(t) returns (uint256 amountOut) {
            _afterSuccess(t, b, amountOut, vm.getRecordedLogs());
        } catch {}
        checkNotLoosened(config);
    }

    /// @notice A trade a well-behaved agent would send: fresh id, allowed pair, at most ~$5k, no caller minimum.
    ///         It still fails whenever the state says so (paused, stale oracle, cooldown, drained allowance...).
    function executeTypicalTrade(uint256 pairSeed, uint256 amountSeed) external {
        IMandateVault.TradeIntent memory t = _intent(pairSeed % 6, amountSeed, 0, 1);
        t.amountIn = t.tokenIn == world.tokens[1] ? bound(amountSeed, 1e16, 2.5e18) : bound(amountSeed, 1e6, 5_000e6);
        Before memory b = _before(t);
        ConfigSnapshot memory config = snapshot();
        vm.recordLogs();
        vm.prank(ROLE_AGENT);
        try vault.executeTrade(t) returns (uint256 amountOut) {
            _afterSuccess(t, b, amountOut, vm.getRecordedLogs());
        } catch {}
        checkNotLoosened(config);
    }

    function commitDecisions(uint256 rootSeed, uint256 countSeed) external {
        bytes32 root = rootSeed % 10 == 0 ? bytes32(0) : keccak256(abi.encode(rootSeed));
        uint32 count = uint32(bound(countSeed, 0, 200));
        bool pausedBefore = vault.paused();
        ConfigSnapshot memory config = snapshot();
        vm.prank(ROLE_AGENT);
        try vault.commitDecisions(root, count) {
            if (pausedBefore) pausedViolations += 1;
            committedRoots.push(root);
        } catch {}
        checkNotLoosened(config);
    }

    function committedCount() external view returns (uint256) {
        return committedRoots.length;
    }

    function executedCount() external view returns (uint256) {
        return executedIds.length;
    }

    // ------------------------------------------------------------------ internals

    function _intent(uint256 pairSeed, uint256 amountSeed, uint256 minSeed, uint256 flags)
        internal
        returns (IMandateVault.TradeIntent memory t)
    {
        (t.tokenIn, t.tokenOut, t.fee) = _pair(pairSeed);
        // Up to ~$16k: sometimes over the $10k per-trade cap, sometimes zero.
        t.amountIn = t.tokenIn == world.tokens[1] ? bound(amountSeed, 0, 8e18) : bound(amountSeed, 0, 16_000e6);
        t.minAmountOut = flags % 3 == 0 ? bound(minSeed, 0, 10e18) : 0;
        t.deadline = flags % 11 == 0 ? uint64(block.timestamp - 1) : uint64(block.timestamp + 300);
        if (flags % 5 == 0 && executedIds.length > 0) {
            t.decisionId = executedIds[(flags >> 8) % executedIds.length];
        } else {
            t.decisionId = keccak256(abi.encode("agent decision", ++nonce));
        }
        t.strategyId = keccak256("invariant");
        t.reasoningHash = keccak256(abi.encode(t.decisionId, t.amountIn));
    }

    function _pair(uint256 seed) internal view returns (address, address, uint24) {
        address usdc = world.tokens[0];
        address weth = world.tokens[1];
        address usdt = world.tokens[2];
        uint256 i = seed % 8;
        if (i == 0) return (usdc, weth, 500);
        if (i == 1) return (weth, usdc, 500);
        if (i == 2) return (usdc, weth, 3000);
        if (i == 3) return (weth, usdc, 3000);
        if (i == 4) return (usdt, weth, 3000);
        if (i == 5) return (weth, usdt, 3000);
        if (i == 6) return (usdc, usdt, 500);
        return (weth, weth, 500);
    }

    function _before(IMandateVault.TradeIntent memory t) internal view returns (Before memory b) {
        b.paused = vault.paused();
        IMandateVault.TokenConfig memory cin = vault.tokenConfig(t.tokenIn);
        IMandateVault.TokenConfig memory cout = vault.tokenConfig(t.tokenOut);
        b.tokensAndPoolAllowed = cin.allowed && cout.allowed && vault.poolAllowed(t.tokenIn, t.tokenOut, t.fee);
        b.oraclesValid = cin.allowed && cout.allowed && _oracleValid(cin) && _oracleValid(cout);
        IMandateVault.Policy memory p = vault.policy();
        b.perTradeCap = p.perTradeCapUsd;
        b.cooldown = p.cooldown;
        b.accrued = vault.accruedAllowance();
        if (b.oraclesValid) b.referenceValueUsd = _referenceValue(cin, t.amountIn);
        b.inBalance = IERC20Minimal(t.tokenIn).balanceOf(address(vault));
        b.outBalance = IERC20Minimal(t.tokenOut).balanceOf(address(vault));
    }

    /// @dev The oracle rule, restated independently of the vault's code.
    function _oracleValid(IMandateVault.TokenConfig memory config) internal view returns (bool) {
        (, int256 answer,, uint256 updatedAt,) = TestAggregator(config.feed).latestRoundData();
        if (answer <= 0 || updatedAt == 0 || updatedAt > block.timestamp) return false;
        return block.timestamp - updatedAt <= config.maxOracleAge;
    }

    /// @dev valueUsd = amountIn * answer * 10^18 / 10^(tokenDecimals + feedDecimals), for the fixture's feeds
    ///      (8 or 18 decimals, so the price needs no rounding).
    function _referenceValue(IMandateVault.TokenConfig memory config, uint256 amountIn) internal view returns (uint256) {
        TestAggregator feed = TestAggregator(config.feed);
        (, int256 answer,,,) = feed.latestRoundData();
        return amountIn * uint256(answer) * 10 ** (18 - feed.decimals()) / 10 ** config.decimals;
    }

    function _afterSuccess(IMandateVault.TradeIntent memory t, Before memory b, uint256 amountOut, Vm.Log[] memory logs)
        internal
    {
        successfulTrades += 1;
        if (b.paused) pausedViolations += 1;
        if (!b.oraclesValid) badOracleViolations += 1;
        if (!b.tokensAndPoolAllowed) notAllowedViolations += 1;
        if (executions[t.decisionId] > 0) duplicateViolations += 1;
        executions[t.decisionId] += 1;
        executedIds.push(t.decisionId);
        if (lastTradeTime != 0 && block.timestamp < lastTradeTime + b.cooldown) cooldownViolations += 1;
        lastTradeTime = block.timestamp;

        uint256 spent = b.inBalance - IERC20Minimal(t.tokenIn).balanceOf(address(vault));
        uint256 received = IERC20Minimal(t.tokenOut).balanceOf(address(vault)) - b.outBalance;
        sold[t.tokenIn] += spent;
        bought[t.tokenOut] += received;

        uint256 events;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(vault) || logs[i].topics[0] != TRADE_EXECUTED) continue;
            events += 1;
            (,, address tokenOut,, uint256 amountIn, uint256 out,, uint256 valueUsd) =
                abi.decode(logs[i].data, (bytes32, address, address, uint24, uint256, uint256, uint256, uint256));
            if (logs[i].topics[1] != t.decisionId || tokenOut != t.tokenOut) eventViolations += 1;
            if (amountIn != spent || out != received || out != amountOut) eventViolations += 1;
            if (valueUsd != b.referenceValueUsd) valueViolations += 1;
            if (valueUsd > b.perTradeCap) capViolations += 1;
            if (valueUsd > b.accrued) allowanceViolations += 1;
        }
        if (events != 1) eventViolations += 1;
    }
}
