// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm, Vm} from "./utils/Vm.sol";
import {VaultFixture} from "./utils/VaultFixture.sol";
import {TestToken} from "./utils/TestTokens.sol";
import {TestAggregator} from "./utils/TestAggregator.sol";
import {IMandateVault} from "../src/interfaces/IMandateVault.sol";
import {FixedPointMath} from "../src/libraries/FixedPointMath.sol";

/// @notice Calls the internal library externally so a revert can be expected.
contract MulDivHarness {
    function mulDiv(uint256 x, uint256 y, uint256 d) external pure returns (uint256) {
        return FixedPointMath.mulDiv(x, y, d);
    }
}

/// @notice Fuzz tests of the pricing, oracle floor and allowance formulas written in IMandateVault.sol. The
///         references below are those formulas in their plainest form: the TypeScript mirror implements the same.
contract MandateVaultFuzzTest is VaultFixture {
    bytes32 internal constant TRADE_EXECUTED = keccak256(
        "TradeExecuted(bytes32,bytes32,bytes32,address,address,uint24,uint256,uint256,uint256,uint256)"
    );
    MulDivHarness internal harness;

    function setUp() public override {
        super.setUp();
        harness = new MulDivHarness();
    }

    // ------------------------------------------------------------------ mulDiv

    function testFuzz_mulDiv_equalsPlainMathWhenProductFits(uint128 x, uint128 y, uint256 d) public view {
        vm.assume(d != 0);
        assertEq(harness.mulDiv(x, y, d), uint256(x) * y / d, "floor(x*y/d)");
    }

    function testFuzz_mulDiv_isExactFloorOfTheFullProduct(uint256 x, uint256 y, uint256 d) public view {
        vm.assume(d != 0);
        (uint256 lo, uint256 hi) = _mul512(x, y);
        vm.assume(hi < d); // otherwise the result does not fit 256 bits (tested below)
        uint256 r = harness.mulDiv(x, y, d);
        // r * d + (x * y mod d) == x * y, as 512-bit numbers.
        (uint256 rdLo, uint256 rdHi) = _mul512(r, d);
        uint256 rem = mulmod(x, y, d);
        uint256 sumLo;
        unchecked {
            sumLo = rdLo + rem;
        }
        uint256 carry = sumLo < rdLo ? 1 : 0;
        assertEq(sumLo, lo, "low word");
        assertEq(rdHi + carry, hi, "high word");
    }

    function testFuzz_mulDiv_revertsWhenResultOverflows(uint256 x, uint256 y, uint256 d) public {
        (, uint256 hi) = _mul512(x, y);
        vm.assume(hi >= d);
        vm.expectRevert(abi.encodeWithSelector(FixedPointMath.MulDivOverflow.selector, x, y, d));
        harness.mulDiv(x, y, d);
    }

    // ------------------------------------------------------------------ pricing

    /// @notice valueUsd, oracleOut and the floor for any token decimals, feed decimals and answer.
    function testFuzz_quoteTrade_pricingFormula(
        uint8 tokenDecimals,
        uint8 feedDecimals,
        uint64 answer,
        uint128 amountIn,
        uint16 slippageBps
    ) public {
        tokenDecimals = uint8(bound(tokenDecimals, 0, 36));
        feedDecimals = uint8(bound(feedDecimals, 0, 36));
        answer = uint64(bound(answer, 1, type(uint64).max));
        slippageBps = uint16(bound(slippageBps, 0, 10_000));
        TestToken token = new TestToken("Fuzz", "FZZ", tokenDecimals);
        TestAggregator feed = new TestAggregator(feedDecimals, int256(uint256(answer)), block.timestamp);
        IMandateVault.Policy memory p = defaultPolicy();
        p.maxSlippageBps = slippageBps;
        _queueAndApply(address(token), address(feed), p);
        feed.setRound(int256(uint256(answer)), block.timestamp);

        uint256 price18 = feedDecimals <= 18
            ? uint256(answer) * 10 ** (18 - feedDecimals)
            : uint256(answer) / 10 ** (feedDecimals - 18);
        if (price18 == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IMandateVault.OracleAnswerInvalid.selector, address(feed), int256(uint256(answer)))
            );
            vault.quoteTrade(address(token), address(weth), amountIn);
            return;
        }
        uint256 valueUsd = uint256(amountIn) * price18 / 10 ** tokenDecimals; // < 2^128 * 2^124: fits
        uint256 oracleOut = valueUsd / 2_000; // WETH: 18 decimals at $2,000, so * 1e18 / 2_000e18
        uint256 floor = oracleOut * (10_000 - slippageBps) / 10_000;
        (uint256 v, uint256 o, uint256 f) = vault.quoteTrade(address(token), address(weth), amountIn);
        assertEq(v, valueUsd, "valueUsd");
        assertEq(o, oracleOut, "oracleOut");
        assertEq(f, floor, "oracleFloor");
        assertLe(f, o, "floor never above the oracle output");
    }

    /// @notice Any amount: over the cap reverts with the exact value; under it trades and reports the same value.
    function testFuzz_executeTrade_capDecidesByOracleValue(uint256 amountIn) public {
        // From 1 USDC: dust trades fail the oracle floor because the pool's fee rounds up to a whole unit.
        amountIn = bound(amountIn, 1e6, 20_000e6);
        uint256 valueUsd = amountIn * 1e12; // USDC at $1, 6 decimals
        IMandateVault.TradeIntent memory trade = intent(address(usdc), address(weth), 500, amountIn);
        if (valueUsd > 10_000e18) {
            vm.expectRevert(abi.encodeWithSelector(IMandateVault.TradeValueExceedsCap.selector, valueUsd, 10_000e18));
            vm.prank(AGENT);
            vault.executeTrade(trade);
            return;
        }
        vm.recordLogs();
        vm.prank(AGENT);
        vault.executeTrade(trade);
        (uint256 value, uint256 minUsed) = _valueAndMinimumFromEvent(vm.getRecordedLogs());
        assertEq(value, valueUsd, "valueUsd in the event");
        assertEq(minUsed, (valueUsd * 1e18 / 2_000e18) * 9_900 / 10_000, "oracle floor used");
        assertEq(vault.accruedAllowance(), 50_000e18 - valueUsd, "allowance charged");
    }

    /// @notice The minimum used is max(intent.minAmountOut, floor); the pool must meet it or the trade reverts.
    function testFuzz_executeTrade_minimumIsMaxOfIntentAndFloor(uint256 amountIn, uint256 minAmountOut) public {
        amountIn = bound(amountIn, 1e6, 10_000e6);
        uint256 floor = (amountIn * 1e12 * 1e18 / 2_000e18) * 9_900 / 10_000;
        minAmountOut = bound(minAmountOut, 0, floor * 2);
        uint256 expected = minAmountOut > floor ? minAmountOut : floor;
        uint256 poolPays = _quoteExactInput(address(usdc), address(weth), 500, amountIn);
        IMandateVault.TradeIntent memory trade = intent(address(usdc), address(weth), 500, amountIn);
        trade.minAmountOut = minAmountOut;
        if (expected > poolPays) {
            vm.expectRevert(bytes("Too little received"));
            vm.prank(AGENT);
            vault.executeTrade(trade);
            return;
        }
        vm.recordLogs();
        vm.prank(AGENT);
        uint256 out = vault.executeTrade(trade);
        (, uint256 minUsed) = _valueAndMinimumFromEvent(vm.getRecordedLogs());
        assertEq(minUsed, expected, "minAmountOutUsed");
        assertEq(out, poolPays, "pool output");
    }

    // ------------------------------------------------------------------ allowance

    /// @notice Step refill: accrued = min(cap, stored + floor((now - anchor) / interval) * refill), with the anchor
    ///         moving by whole intervals at each trade.
    function testFuzz_accruedAllowance_stepRefill(
        uint96 cap,
        uint96 refill,
        uint32 interval,
        uint256 spend1,
        uint256 dt1,
        uint256 spend2,
        uint256 dt2
    ) public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.allowanceCapUsd = uint96(bound(cap, 1e18, 1_000_000e18));
        p.perTradeCapUsd = p.allowanceCapUsd;
        p.refillAmountUsd = uint96(bound(refill, 0, 100_000e18));
        p.refillInterval = uint32(bound(interval, 1, 30 days));
        p.cooldown = 0;
        _queueAndApplyPolicy(p);
        uint256 t0 = block.timestamp;
        uint256 stored = p.allowanceCapUsd < 50_000e18 ? p.allowanceCapUsd : 50_000e18; // clamped at apply
        uint256 anchor = t0; // the timelock (2 days) is a whole number of the old 1-hour intervals
        assertEq(vault.accruedAllowance(), stored, "after apply");

        // Spend whole dollars, at most the per-trade cap ($10k keeps the pool's price impact under the floor).
        uint256 max1 = stored < 10_000e18 ? stored : 10_000e18;
        spend1 = bound(spend1, 1, max1 / 1e18);
        _trade(spend1);
        stored -= spend1 * 1e18;

        dt1 = bound(dt1, 0, 90 days);
        warpAndRefresh(t0 + dt1);
        (uint256 expected1, uint256 anchor1) = _model(stored, anchor, p);
        assertEq(vault.accruedAllowance(), expected1, "accrued after dt1");

        uint256 max2 = expected1 < 10_000e18 ? expected1 : 10_000e18;
        if (max2 >= 1e18) {
            spend2 = bound(spend2, 1, max2 / 1e18);
            _trade(spend2);
            stored = expected1 - spend2 * 1e18;
            anchor = anchor1;
            (uint96 storedOnChain, uint40 anchorOnChain) = vault.allowanceState();
            assertEq(storedOnChain, stored, "stored after second trade");
            assertEq(anchorOnChain, anchor, "anchor moved by whole intervals");
        }
        dt2 = bound(dt2, 0, 90 days);
        warpAndRefresh(block.timestamp + dt2);
        (uint256 expected2,) = _model(stored, anchor, p);
        assertEq(vault.accruedAllowance(), expected2, "accrued after dt2");
        assertLe(expected2, p.allowanceCapUsd, "never above the cap");
    }

    // ------------------------------------------------------------------ helpers

    function _model(uint256 stored, uint256 anchor, IMandateVault.Policy memory p)
        internal
        view
        returns (uint256 accrued, uint256 newAnchor)
    {
        uint256 steps = (block.timestamp - anchor) / p.refillInterval;
        newAnchor = anchor + steps * p.refillInterval;
        accrued = stored + steps * p.refillAmountUsd;
        if (accrued > p.allowanceCapUsd) accrued = p.allowanceCapUsd;
    }

    function _trade(uint256 dollars) internal {
        vm.prank(AGENT);
        vault.executeTrade(intent(address(usdc), address(weth), 500, dollars * 1e6));
    }

    function _queueAndApplyPolicy(IMandateVault.Policy memory p) internal {
        vm.prank(OWNER);
        uint256 id = vault.queuePolicy(p);
        warpAndRefresh(block.timestamp + TIMELOCK);
        vm.prank(OWNER);
        vault.applyChange(id);
    }

    function _queueAndApply(address token, address feed, IMandateVault.Policy memory p) internal {
        vm.startPrank(OWNER);
        uint256 tokenId = vault.queueToken(token, feed, ORACLE_AGE);
        uint256 policyId = vault.queuePolicy(p);
        vm.stopPrank();
        warpAndRefresh(block.timestamp + TIMELOCK);
        vm.startPrank(OWNER);
        vault.applyChange(tokenId);
        vault.applyChange(policyId);
        vm.stopPrank();
    }

    function _valueAndMinimumFromEvent(Vm.Log[] memory logs) internal view returns (uint256 value, uint256 minUsed) {
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].emitter == address(vault) && logs[i].topics[0] == TRADE_EXECUTED) {
                (,,,,,, minUsed, value) =
                    abi.decode(logs[i].data, (bytes32, address, address, uint24, uint256, uint256, uint256, uint256));
                return (value, minUsed);
            }
        }
        revert("no TradeExecuted");
    }

    function _mul512(uint256 x, uint256 y) internal pure returns (uint256 lo, uint256 hi) {
        assembly ("memory-safe") {
            let mm := mulmod(x, y, not(0))
            lo := mul(x, y)
            hi := sub(sub(mm, lo), lt(mm, lo))
        }
    }
}
