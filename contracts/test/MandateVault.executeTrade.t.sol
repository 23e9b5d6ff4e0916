// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm, Vm} from "./utils/Vm.sol";
import {VaultFixture} from "./utils/VaultFixture.sol";
import {TestToken, FalseReturningToken, FeeOnTransferToken, GreedyToken} from "./utils/TestTokens.sol";
import {TestAggregator, WideDecimalsAggregator} from "./utils/TestAggregator.sol";
import {IUniswapV3FactoryLike} from "./utils/UniswapV3.sol";
import {MandateVault} from "../src/MandateVault.sol";
import {IMandateVault} from "../src/interfaces/IMandateVault.sol";
import {ISwapRouter} from "../src/interfaces/ISwapRouter.sol";

/// @notice executeTrade: every revert path with its exact error and arguments, the check order, and the
///         successful paths through the real SwapRouter (6- and 18-decimal tokens, a no-bool token).
contract MandateVaultExecuteTradeTest is VaultFixture {
    bytes32 internal constant TRADE_EXECUTED = keccak256(
        "TradeExecuted(bytes32,bytes32,bytes32,address,address,uint24,uint256,uint256,uint256,uint256)"
    );

    // ------------------------------------------------------------------ successful trades

    function test_executeTrade_usdcToWethMatchesBalancesAndEvent() public {
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        uint256 usdcBefore = usdc.balanceOf(address(vault));
        uint256 wethBefore = weth.balanceOf(address(vault));
        vm.recordLogs();
        vm.prank(AGENT);
        uint256 amountOut = vault.executeTrade(trade);

        assertEq(usdcBefore - usdc.balanceOf(address(vault)), trade.amountIn, "usdc spent");
        assertEq(weth.balanceOf(address(vault)) - wethBefore, amountOut, "weth received");
        assertEq(usdc.allowance(address(vault), router), 0, "router allowance reset");
        // $1,000 of USDC at $2,000 per ETH: oracle out 0.5 WETH, floor 1% lower.
        _assertTradeEvent(vm.getRecordedLogs(), trade, amountOut, 0.495e18, 1_000e18);
        assertTrue(vault.decisionExecuted(trade.decisionId), "decision marked");
        assertEq(vault.lastTradeAt(), block.timestamp, "lastTradeAt");
        assertEq(vault.accruedAllowance(), 49_000e18, "allowance charged by value");
    }

    function test_executeTrade_wethToUsdcPricesEighteenDecimals() public {
        IMandateVault.TradeIntent memory trade = intent(address(weth), address(usdc), 3000, 2e18);
        vm.recordLogs();
        vm.prank(AGENT);
        uint256 amountOut = vault.executeTrade(trade);
        // 2 WETH at $2,000 = $4,000; floor = 4,000 USDC less 1%.
        _assertTradeEvent(vm.getRecordedLogs(), trade, amountOut, 3_960e6, 4_000e18);
        assertGe(amountOut, 3_960e6, "at least the oracle floor");
    }

    function test_executeTrade_noBoolTokenBothWays() public {
        vm.prank(AGENT);
        uint256 wethOut = vault.executeTrade(intent(address(usdt), address(weth), 3000, 2_000e6));
        assertGe(wethOut, 0.99e18, "usdt -> weth");
        assertEq(usdt.allowance(address(vault), router), 0, "usdt allowance reset");
        warpAndRefresh(block.timestamp + 60);
        vm.prank(AGENT);
        uint256 usdtOut = vault.executeTrade(intent(address(weth), address(usdt), 3000, 1e18));
        assertGe(usdtOut, 1_980e6, "weth -> usdt");
    }

    function test_executeTrade_eighteenDecimalFeedIsScaled() public view {
        // USDT's feed has 18 decimals (answer 1e18 = $1): 2,000 USDT is $2,000, not $2,000e10.
        (uint256 valueUsd, uint256 oracleOut, uint256 floor) = vault.quoteTrade(address(usdt), address(weth), 2_000e6);
        assertEq(valueUsd, 2_000e18, "value");
        assertEq(oracleOut, 1e18, "oracle out");
        assertEq(floor, 0.99e18, "floor");
    }

    function test_executeTrade_usesIntentMinimumWhenAboveFloor() public {
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        trade.minAmountOut = 0.499e18; // above the 1% floor (0.495), below what the pool gives
        vm.recordLogs();
        vm.prank(AGENT);
        uint256 amountOut = vault.executeTrade(trade);
        _assertTradeEvent(vm.getRecordedLogs(), trade, amountOut, 0.499e18, 1_000e18);
    }

    function test_executeTrade_atDeadlineAndAtReadyAtAndAtMaxOracleAge() public {
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        trade.deadline = uint64(block.timestamp);
        vm.prank(AGENT);
        vault.executeTrade(trade);
        // Exactly one cooldown later and exactly maxOracleAge after the last oracle update: both allowed.
        vm.warp(block.timestamp + 60);
        ethFeed.setRound(ETH_USD_8, block.timestamp - ORACLE_AGE);
        vm.prank(AGENT);
        vault.executeTrade(usdcToWeth());
    }

    // ------------------------------------------------------------------ reverts, in check order

    function test_executeTrade_notAgent() public {
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotAgent.selector, STRANGER));
        vm.prank(STRANGER);
        vault.executeTrade(trade);
    }

    function test_executeTrade_revokedAgent() public {
        vm.prank(GUARDIAN);
        vault.revokeAgent();
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotAgent.selector, AGENT));
        vm.prank(AGENT);
        vault.executeTrade(trade);
    }

    function test_executeTrade_paused() public {
        vm.prank(GUARDIAN);
        vault.pause();
        _expectTradeRevert(usdcToWeth(), abi.encodeWithSelector(IMandateVault.VaultPaused.selector));
    }

    function test_executeTrade_deadlineExpired() public {
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        trade.deadline = uint64(block.timestamp - 1);
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.DeadlineExpired.selector, trade.deadline, block.timestamp)
        );
    }

    function test_executeTrade_decisionAlreadyExecuted() public {
        IMandateVault.TradeIntent memory trade = usdcToWeth();
        vm.prank(AGENT);
        vault.executeTrade(trade);
        warpAndRefresh(block.timestamp + 1 hours);
        trade.deadline = uint64(block.timestamp + 300);
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.DecisionAlreadyExecuted.selector, trade.decisionId)
        );
    }

    function test_executeTrade_tokenInNotAllowed() public {
        TestToken other = new TestToken("Other", "OTH", 18);
        _expectTradeRevert(
            intent(address(other), address(weth), 500, 1e18),
            abi.encodeWithSelector(IMandateVault.TokenNotAllowed.selector, address(other))
        );
    }

    function test_executeTrade_tokenOutNotAllowed() public {
        TestToken other = new TestToken("Other", "OTH", 18);
        _expectTradeRevert(
            intent(address(weth), address(other), 500, 1e18),
            abi.encodeWithSelector(IMandateVault.TokenNotAllowed.selector, address(other))
        );
    }

    function test_executeTrade_removedTokenNotAllowed() public {
        vm.prank(GUARDIAN);
        vault.removeToken(address(weth));
        _expectTradeRevert(usdcToWeth(), abi.encodeWithSelector(IMandateVault.TokenNotAllowed.selector, address(weth)));
    }

    function test_executeTrade_poolNotAllowed() public {
        _expectTradeRevert(
            intent(address(usdc), address(weth), 10_000, 1_000e6),
            abi.encodeWithSelector(IMandateVault.PoolNotAllowed.selector, address(usdc), address(weth), uint24(10_000))
        );
    }

    function test_executeTrade_removedPoolNotAllowed() public {
        vm.prank(GUARDIAN);
        vault.removePool(address(weth), address(usdc), 500); // either token order
        _expectTradeRevert(
            usdcToWeth(),
            abi.encodeWithSelector(IMandateVault.PoolNotAllowed.selector, address(usdc), address(weth), uint24(500))
        );
    }

    function test_executeTrade_sameTokenPoolNotAllowed() public {
        _expectTradeRevert(
            intent(address(usdc), address(usdc), 500, 1_000e6),
            abi.encodeWithSelector(IMandateVault.PoolNotAllowed.selector, address(usdc), address(usdc), uint24(500))
        );
    }

    function test_executeTrade_zeroAmountIn() public {
        _expectTradeRevert(
            intent(address(usdc), address(weth), 500, 0), abi.encodeWithSelector(IMandateVault.ZeroAmountIn.selector)
        );
    }

    function test_executeTrade_oracleAnswerZero() public {
        usdcFeed.setRound(0, block.timestamp);
        _expectTradeRevert(
            usdcToWeth(), abi.encodeWithSelector(IMandateVault.OracleAnswerInvalid.selector, address(usdcFeed), int256(0))
        );
    }

    function test_executeTrade_oracleAnswerNegative() public {
        ethFeed.setRound(-1, block.timestamp);
        _expectTradeRevert(
            usdcToWeth(), abi.encodeWithSelector(IMandateVault.OracleAnswerInvalid.selector, address(ethFeed), int256(-1))
        );
    }

    function test_executeTrade_oracleAnswerAboveInt192() public {
        int256 huge = int256(type(int192).max) + 1;
        ethFeed.setRound(huge, block.timestamp);
        _expectTradeRevert(
            usdcToWeth(), abi.encodeWithSelector(IMandateVault.OracleAnswerInvalid.selector, address(ethFeed), huge)
        );
    }

    function test_executeTrade_oracleAnswerRoundsToZero() public {
        // 36 decimals: an answer of 1 is 1e-36 USD, which is 0 at 18 decimals.
        TestAggregator tiny = new TestAggregator(36, 1, block.timestamp);
        _repointFeed(address(weth), address(tiny));
        tiny.setRound(1, block.timestamp);
        _expectTradeRevert(
            usdcToWeth(), abi.encodeWithSelector(IMandateVault.OracleAnswerInvalid.selector, address(tiny), int256(1))
        );
    }

    function test_executeTrade_oracleUpdatedAtZero() public {
        usdcFeed.setRound(1e8, 0);
        _expectTradeRevert(
            usdcToWeth(),
            abi.encodeWithSelector(
                IMandateVault.OracleTimestampInvalid.selector, address(usdcFeed), uint256(0), block.timestamp
            )
        );
    }

    function test_executeTrade_oracleUpdatedAtInFuture() public {
        ethFeed.setRound(ETH_USD_8, block.timestamp + 1);
        _expectTradeRevert(
            usdcToWeth(),
            abi.encodeWithSelector(
                IMandateVault.OracleTimestampInvalid.selector, address(ethFeed), block.timestamp + 1, block.timestamp
            )
        );
    }

    function test_executeTrade_oracleStaleTokenIn() public {
        uint256 updatedAt = block.timestamp;
        vm.warp(updatedAt + ORACLE_AGE + 1);
        ethFeed.setRound(ETH_USD_8, block.timestamp);
        _expectTradeRevert(
            usdcToWeth(),
            abi.encodeWithSelector(
                IMandateVault.OracleStale.selector, address(usdcFeed), updatedAt, ORACLE_AGE, block.timestamp
            )
        );
    }

    function test_executeTrade_oracleStaleTokenOut() public {
        uint256 updatedAt = block.timestamp;
        vm.warp(updatedAt + ORACLE_AGE + 1);
        usdcFeed.setRound(1e8, block.timestamp);
        _expectTradeRevert(
            usdcToWeth(),
            abi.encodeWithSelector(
                IMandateVault.OracleStale.selector, address(ethFeed), updatedAt, ORACLE_AGE, block.timestamp
            )
        );
    }

    function test_executeTrade_oracleDecimalsUnsupported() public {
        WideDecimalsAggregator wide = new WideDecimalsAggregator();
        _repointFeed(address(weth), address(wide));
        _expectTradeRevert(
            usdcToWeth(),
            abi.encodeWithSelector(IMandateVault.OracleDecimalsUnsupported.selector, address(wide), uint8(40))
        );
    }

    function test_executeTrade_valueExceedsCap() public {
        _expectTradeRevert(
            intent(address(usdc), address(weth), 500, 10_000e6 + 1),
            abi.encodeWithSelector(IMandateVault.TradeValueExceedsCap.selector, 10_000e18 + 1e12, 10_000e18)
        );
    }

    function test_executeTrade_valueExceedsAllowance() public {
        IMandateVault.Policy memory tighter = defaultPolicy();
        tighter.allowanceCapUsd = 5_000e18;
        vm.prank(GUARDIAN);
        vault.tightenPolicy(tighter);
        _expectTradeRevert(
            intent(address(usdc), address(weth), 500, 6_000e6),
            abi.encodeWithSelector(IMandateVault.TradeValueExceedsAllowance.selector, 6_000e18, 5_000e18)
        );
    }

    function test_executeTrade_allowanceDrainedThenRefilledByStep() public {
        uint256 t = block.timestamp;
        for (uint256 i = 0; i < 5; ++i) {
            vm.prank(AGENT);
            vault.executeTrade(intent(address(usdc), address(weth), 500, 10_000e6));
            t += 60;
            warpAndRefresh(t);
        }
        // Five $10k trades in five minutes drained the $50k allowance; no whole hour has passed since deploy.
        _expectTradeRevert(
            intent(address(usdc), address(weth), 500, 1e6),
            abi.encodeWithSelector(IMandateVault.TradeValueExceedsAllowance.selector, 1e18, 0)
        );
        warpAndRefresh(START + 1 hours - 1);
        assertEq(vault.accruedAllowance(), 0, "no refill before a whole interval");
        warpAndRefresh(START + 1 hours);
        assertEq(vault.accruedAllowance(), 10_000e18, "one step of refill at the interval");
    }

    function test_executeTrade_cooldownActive() public {
        uint256 first = block.timestamp;
        vm.prank(AGENT);
        vault.executeTrade(usdcToWeth());
        warpAndRefresh(first + 59);
        _expectTradeRevert(
            usdcToWeth(), abi.encodeWithSelector(IMandateVault.CooldownActive.selector, first, first + 60)
        );
    }

    function test_executeTrade_oracleFloorStopsSandwich() public {
        // A whale pushes WETH up ~20% in the 0.05% pool right before the agent buys WETH there.
        address whale = address(0x3A1E);
        usdc.mint(whale, 2_000_000e6);
        vm.startPrank(whale);
        usdc.approve(router, type(uint256).max);
        ISwapRouter(router).exactInputSingle(
            ISwapRouter.ExactInputSingleParams(address(usdc), address(weth), 500, whale, block.timestamp, 2_000_000e6, 0, 0)
        );
        vm.stopPrank();
        _expectTradeRevert(usdcToWeth(), bytes("Too little received"));
    }

    function test_executeTrade_tokenCallFailed() public {
        FalseReturningToken falseToken = new FalseReturningToken();
        MandateVault custom = _vaultWithExtraToken(address(falseToken), 3000);
        falseToken.mint(address(custom), 1e18);
        IMandateVault.TradeIntent memory trade = intent(address(falseToken), address(usdc), 3000, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.TokenCallFailed.selector, address(falseToken), bytes4(0x095ea7b3))
        );
        vm.prank(AGENT);
        custom.executeTrade(trade);
    }

    function test_executeTrade_unexpectedAmountSpent() public {
        GreedyToken greedy = new GreedyToken();
        MandateVault custom = _vaultWithExtraToken(address(greedy), 3000);
        lp.createFullRangePool(IUniswapV3FactoryLike(factory), address(greedy), address(usdc), 3000, 2000e6, 1e18, 4e17);
        greedy.mint(address(custom), 10e18);
        IMandateVault.TradeIntent memory trade = intent(address(greedy), address(usdc), 3000, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.UnexpectedAmountSpent.selector, 1e18 + 1, 1e18));
        vm.prank(AGENT);
        custom.executeTrade(trade);
    }

    function test_executeTrade_insufficientOutput() public {
        // The pool sends what the router reports, but the vault receives 1% less: only the balance check sees it.
        FeeOnTransferToken taxed = new FeeOnTransferToken();
        MandateVault custom = _vaultWithExtraToken(address(taxed), 500);
        lp.createFullRangePool(IUniswapV3FactoryLike(factory), address(taxed), address(usdc), 500, 2000e6, 1e18, 4e17);
        usdc.mint(address(custom), 10_000e6);
        IMandateVault.TradeIntent memory trade = intent(address(usdc), address(taxed), 500, 2_000e6);
        uint256 floor = 0.99e18;
        // The pool pays ~0.99945 tokens (0.05% fee); the vault gets 1% less, below the 0.99 floor.
        uint256 poolPays = _quoteExactInput(address(usdc), address(taxed), 500, 2_000e6);
        uint256 received = poolPays - poolPays / 100;
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.InsufficientOutput.selector, received, floor));
        vm.prank(AGENT);
        custom.executeTrade(trade);
    }

    /// @notice The first failing check wins, in the documented order: peel the failures off one at a time.
    function test_executeTrade_checkOrder() public {
        IMandateVault.TradeIntent memory trade = intent(address(usdc), address(weth), 10_000, 0);
        vm.prank(AGENT);
        vault.executeTrade(usdcToWeth()); // starts the cooldown
        uint256 executed = decisionNonce;
        trade.decisionId = keccak256(abi.encode("decision", executed));
        trade.deadline = uint64(block.timestamp - 1);
        usdcFeed.setRound(0, block.timestamp);
        vm.prank(GUARDIAN);
        vault.pause();

        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotAgent.selector, STRANGER));
        vm.prank(STRANGER);
        vault.executeTrade(trade);

        _expectTradeRevert(trade, abi.encodeWithSelector(IMandateVault.VaultPaused.selector));
        vm.prank(OWNER);
        vault.unpause();
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.DeadlineExpired.selector, trade.deadline, block.timestamp)
        );
        trade.deadline = uint64(block.timestamp);
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.DecisionAlreadyExecuted.selector, trade.decisionId)
        );
        trade.decisionId = keccak256("fresh");
        _expectTradeRevert(
            trade,
            abi.encodeWithSelector(IMandateVault.PoolNotAllowed.selector, address(usdc), address(weth), uint24(10_000))
        );
        trade.fee = 500;
        _expectTradeRevert(trade, abi.encodeWithSelector(IMandateVault.ZeroAmountIn.selector));
        trade.amountIn = 60_000e6;
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.OracleAnswerInvalid.selector, address(usdcFeed), int256(0))
        );
        usdcFeed.setRound(1e8, block.timestamp);
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.TradeValueExceedsCap.selector, 60_000e18, 10_000e18)
        );
        IMandateVault.Policy memory loose = defaultPolicy();
        loose.perTradeCapUsd = 100_000e18;
        _queueAndApplyPolicy(loose);
        trade.deadline = uint64(block.timestamp);
        _expectTradeRevert(
            trade, abi.encodeWithSelector(IMandateVault.TradeValueExceedsAllowance.selector, 60_000e18, 50_000e18)
        );
        // Cooldown is last: make it the only failure by trading again within it.
        trade.amountIn = 1_000e6;
        vm.prank(AGENT);
        vault.executeTrade(trade);
        IMandateVault.TradeIntent memory again = usdcToWeth();
        _expectTradeRevert(
            again, abi.encodeWithSelector(IMandateVault.CooldownActive.selector, block.timestamp, block.timestamp + 60)
        );
    }

    // ------------------------------------------------------------------ sequencer (L2)

    function test_executeTrade_sequencerDown() public {
        (MandateVault l2, TestAggregator sequencer) = _l2Vault();
        sequencer.setRound(1, block.timestamp - 2 hours, block.timestamp - 2 hours);
        _expectTradeRevertOn(
            l2,
            usdcToWeth(),
            abi.encodeWithSelector(IMandateVault.SequencerDown.selector, int256(1), block.timestamp - 2 hours)
        );
    }

    function test_executeTrade_sequencerStartedAtZero() public {
        (MandateVault l2, TestAggregator sequencer) = _l2Vault();
        sequencer.setRound(0, 0, 0);
        _expectTradeRevertOn(
            l2, usdcToWeth(), abi.encodeWithSelector(IMandateVault.SequencerDown.selector, int256(0), uint256(0))
        );
    }

    function test_executeTrade_sequencerStartedInFuture() public {
        (MandateVault l2, TestAggregator sequencer) = _l2Vault();
        sequencer.setRound(0, block.timestamp + 1, block.timestamp);
        _expectTradeRevertOn(
            l2,
            usdcToWeth(),
            abi.encodeWithSelector(IMandateVault.SequencerDown.selector, int256(0), block.timestamp + 1)
        );
    }

    function test_quoteTrade_tokenNotAllowed() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.TokenNotAllowed.selector, STRANGER));
        vault.quoteTrade(address(usdc), STRANGER, 1e6);
    }

    function test_executeTrade_sequencerGracePeriodActive() public {
        (MandateVault l2, TestAggregator sequencer) = _l2Vault();
        uint256 upSince = block.timestamp - 1 hours; // exactly the grace period: still inside it
        sequencer.setRound(0, upSince, upSince);
        _expectTradeRevertOn(
            l2,
            usdcToWeth(),
            abi.encodeWithSelector(IMandateVault.SequencerGracePeriodActive.selector, upSince, upSince + 1 hours)
        );
        sequencer.setRound(0, upSince - 1, upSince - 1);
        vm.prank(AGENT);
        l2.executeTrade(usdcToWeth());
    }

    // ------------------------------------------------------------------ helpers

    function _expectTradeRevert(IMandateVault.TradeIntent memory trade, bytes memory err) internal {
        _expectTradeRevertOn(vault, trade, err);
    }

    function _expectTradeRevertOn(MandateVault target, IMandateVault.TradeIntent memory trade, bytes memory err)
        internal
    {
        vm.expectRevert(err);
        vm.prank(AGENT);
        target.executeTrade(trade);
    }

    function _assertTradeEvent(
        Vm.Log[] memory logs,
        IMandateVault.TradeIntent memory trade,
        uint256 amountOut,
        uint256 minAmountOutUsed,
        uint256 valueUsd
    ) internal view {
        uint256 found;
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter != address(vault) || logs[i].topics[0] != TRADE_EXECUTED) continue;
            found += 1;
            assertEq(logs[i].topics[1], trade.decisionId, "decisionId");
            assertEq(logs[i].topics[2], trade.strategyId, "strategyId");
            (
                bytes32 reasoningHash,
                address tokenIn,
                address tokenOut,
                uint24 fee,
                uint256 amountIn,
                uint256 out,
                uint256 minUsed,
                uint256 value
            ) = abi.decode(logs[i].data, (bytes32, address, address, uint24, uint256, uint256, uint256, uint256));
            assertEq(reasoningHash, trade.reasoningHash, "reasoningHash");
            assertEq(tokenIn, trade.tokenIn, "tokenIn");
            assertEq(tokenOut, trade.tokenOut, "tokenOut");
            assertEq(fee, trade.fee, "fee");
            assertEq(amountIn, trade.amountIn, "amountIn");
            assertEq(out, amountOut, "amountOut");
            assertEq(minUsed, minAmountOutUsed, "minAmountOutUsed");
            assertEq(value, valueUsd, "valueUsd");
        }
        assertEq(found, 1, "exactly one TradeExecuted");
    }

    /// @dev Re-points a token's feed through the timelock, keeping the other feeds fresh.
    function _repointFeed(address token, address feed) internal {
        vm.prank(OWNER);
        uint256 id = vault.queueToken(token, feed, ORACLE_AGE);
        warpAndRefresh(block.timestamp + TIMELOCK);
        vm.prank(OWNER);
        vault.applyChange(id);
    }

    function _queueAndApplyPolicy(IMandateVault.Policy memory p) internal {
        vm.prank(OWNER);
        uint256 id = vault.queuePolicy(p);
        warpAndRefresh(block.timestamp + TIMELOCK);
        vm.prank(OWNER);
        vault.applyChange(id);
    }

    function _vaultWithExtraToken(address token, uint24 fee) internal returns (MandateVault) {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        TestAggregator feed = new TestAggregator(8, 2_000e8, block.timestamp);
        IMandateVault.TokenSetup[] memory tokens = new IMandateVault.TokenSetup[](2);
        tokens[0] = IMandateVault.TokenSetup(address(usdc), address(usdcFeed), ORACLE_AGE);
        tokens[1] = IMandateVault.TokenSetup(token, address(feed), ORACLE_AGE);
        IMandateVault.PoolSetup[] memory pools = new IMandateVault.PoolSetup[](1);
        pools[0] = IMandateVault.PoolSetup(token, address(usdc), fee);
        setup.tokens = tokens;
        setup.pools = pools;
        return new MandateVault(setup);
    }

    function _l2Vault() internal returns (MandateVault l2, TestAggregator sequencer) {
        sequencer = new TestAggregator(0, 0, block.timestamp - 1 days);
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.sequencerUptimeFeed = address(sequencer);
        setup.sequencerGracePeriod = 1 hours;
        l2 = new MandateVault(setup);
        usdc.mint(address(l2), 100_000e6);
        assertEq(l2.sequencerUptimeFeed(), address(sequencer), "sequencer feed view");
        assertEq(l2.sequencerGracePeriod(), 1 hours, "grace view");
    }
}
