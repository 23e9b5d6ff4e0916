// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "./utils/Vm.sol";
import {VaultFixture} from "./utils/VaultFixture.sol";
import {TestToken, FalseReturningToken} from "./utils/TestTokens.sol";
import {TestAggregator} from "./utils/TestAggregator.sol";
import {MandateVault} from "../src/MandateVault.sol";
import {IMandateVault} from "../src/interfaces/IMandateVault.sol";

/// @notice Deployment, roles, tightening, the timelock queue, withdrawals and ownership: every revert path.
contract MandateVaultAdminTest is VaultFixture {
    // ------------------------------------------------------------------ constructor

    function test_constructor_configuresEverything() public view {
        assertEq(vault.owner(), OWNER, "owner");
        assertEq(vault.guardian(), GUARDIAN, "guardian");
        assertEq(vault.agent(), AGENT, "agent");
        assertEq(vault.router(), router, "router");
        assertEq(vault.timelockDelay(), TIMELOCK, "timelock");
        assertTrue(!vault.paused(), "not paused");
        assertEq(vault.lastTradeAt(), 0, "never traded");
        assertEq(vault.changeCount(), 0, "no changes");
        IMandateVault.Policy memory p = vault.policy();
        assertEq(p.perTradeCapUsd, 10_000e18, "per-trade cap");
        assertEq(p.allowanceCapUsd, 50_000e18, "allowance cap");
        assertEq(p.refillAmountUsd, 10_000e18, "refill");
        assertEq(p.refillInterval, 1 hours, "interval");
        assertEq(p.maxSlippageBps, 100, "slippage");
        assertEq(p.cooldown, 60, "cooldown");
        (uint96 allowance, uint40 anchor) = vault.allowanceState();
        assertEq(allowance, 50_000e18, "starts full");
        assertEq(anchor, START, "anchored at deploy");
        IMandateVault.TokenConfig memory c = vault.tokenConfig(address(usdc));
        assertEq(c.feed, address(usdcFeed), "feed");
        assertEq(c.maxOracleAge, ORACLE_AGE, "age");
        assertEq(c.decimals, 6, "token decimals read from the token");
        assertTrue(c.allowed, "allowed");
        assertTrue(vault.poolAllowed(address(weth), address(usdc), 500), "pool, one order");
        assertTrue(vault.poolAllowed(address(usdc), address(weth), 500), "pool, other order");
        assertTrue(!vault.poolAllowed(address(usdc), address(weth), 10_000), "other fee");
        assertEq(vault.sequencerUptimeFeed(), address(0), "no sequencer on L1");
    }

    function test_constructor_zeroRouter() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.router = address(0);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroAddress.selector, "router"));
        new MandateVault(setup);
    }

    function test_constructor_zeroOwner() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.owner = address(0);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroAddress.selector, "owner"));
        new MandateVault(setup);
    }

    function test_constructor_refillIntervalZero() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.policy.refillInterval = 0;
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "refillInterval", 0, 1));
        new MandateVault(setup);
    }

    function test_constructor_slippageAboveOneHundredPercent() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.policy.maxSlippageBps = 10_001;
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "maxSlippageBps", 10_001, 10_000)
        );
        new MandateVault(setup);
    }

    function test_constructor_timelockDelayAboveMaximum() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.timelockDelay = 30 days + 1;
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "timelockDelay", 30 days + 1, 30 days)
        );
        new MandateVault(setup);
    }

    function test_constructor_tokenZeroAddress() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.tokens[0].token = address(0);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroAddress.selector, "token"));
        new MandateVault(setup);
    }

    function test_constructor_feedZeroAddress() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.tokens[1].feed = address(0);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroAddress.selector, "feed"));
        new MandateVault(setup);
    }

    function test_constructor_maxOracleAgeZero() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.tokens[2].maxOracleAge = 0;
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "maxOracleAge", 0, 1));
        new MandateVault(setup);
    }

    function test_constructor_unsupportedTokenDecimals() public {
        TestToken wide = new TestToken("Wide", "WIDE", 37);
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.tokens[0].token = address(wide);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.UnsupportedTokenDecimals.selector, address(wide), 37));
        new MandateVault(setup);
    }

    function test_constructor_invalidPoolSameToken() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.pools[0].tokenB = address(usdc);
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPool.selector, address(usdc), address(usdc), uint24(500))
        );
        new MandateVault(setup);
    }

    function test_constructor_invalidPoolZeroFee() public {
        IMandateVault.VaultSetup memory setup = defaultSetup();
        setup.pools[0].fee = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPool.selector, address(usdc), address(weth), uint24(0))
        );
        new MandateVault(setup);
    }

    // ------------------------------------------------------------------ pause, agent, guardian

    function test_pause_notOwnerOrGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.pause();
    }

    function test_pause_guardianPausesAndOnlyOwnerUnpauses() public {
        vm.expectEmit(true, false, false, true, address(vault));
        emit IMandateVault.Paused(GUARDIAN);
        vm.prank(GUARDIAN);
        vault.pause();
        assertTrue(vault.paused(), "paused");
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.unpause();
        vm.prank(OWNER);
        vault.unpause();
        assertTrue(!vault.paused(), "unpaused");
    }

    function test_unpause_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, STRANGER));
        vm.prank(STRANGER);
        vault.unpause();
    }

    function test_revokeAgent_notOwnerOrGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.revokeAgent();
    }

    function test_revokeAgent_guardianRevokes() public {
        vm.expectEmit(true, true, true, true, address(vault));
        emit IMandateVault.AgentChanged(AGENT, address(0), GUARDIAN);
        vm.prank(GUARDIAN);
        vault.revokeAgent();
        assertEq(vault.agent(), address(0), "revoked");
    }

    function test_setAgent_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.setAgent(STRANGER);
    }

    function test_setAgent_zeroAddress() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroAddress.selector, "agent"));
        vm.prank(OWNER);
        vault.setAgent(address(0));
    }

    function test_setAgent_ownerReplacesAgent() public {
        vm.prank(OWNER);
        vault.setAgent(STRANGER);
        assertEq(vault.agent(), STRANGER, "new agent");
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotAgent.selector, AGENT));
        vm.prank(AGENT);
        vault.commitDecisions(keccak256("x"), 1);
    }

    function test_setGuardian_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.setGuardian(STRANGER);
    }

    function test_setGuardian_ownerReplacesGuardian() public {
        vm.expectEmit(true, true, false, true, address(vault));
        emit IMandateVault.GuardianChanged(GUARDIAN, STRANGER);
        vm.prank(OWNER);
        vault.setGuardian(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.pause();
    }

    // ------------------------------------------------------------------ tightening

    function test_tightenPolicy_notOwnerOrGuardian() public {
        IMandateVault.Policy memory p = defaultPolicy();
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.tightenPolicy(p);
    }

    function test_tightenPolicy_raisingPerTradeCap() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.perTradeCapUsd += 1;
        _expectNotTightening(p, "perTradeCapUsd", 10_000e18, 10_000e18 + 1);
    }

    function test_tightenPolicy_raisingAllowanceCap() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.allowanceCapUsd += 1;
        _expectNotTightening(p, "allowanceCapUsd", 50_000e18, 50_000e18 + 1);
    }

    function test_tightenPolicy_raisingRefillAmount() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.refillAmountUsd += 1;
        _expectNotTightening(p, "refillAmountUsd", 10_000e18, 10_000e18 + 1);
    }

    function test_tightenPolicy_shorteningRefillInterval() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.refillInterval -= 1;
        _expectNotTightening(p, "refillInterval", 1 hours, 1 hours - 1);
    }

    function test_tightenPolicy_raisingSlippage() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.maxSlippageBps += 1;
        _expectNotTightening(p, "maxSlippageBps", 100, 101);
    }

    function test_tightenPolicy_shorteningCooldown() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.cooldown -= 1;
        _expectNotTightening(p, "cooldown", 60, 59);
    }

    function test_tightenPolicy_invalidPolicyFieldFirst() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.refillInterval = 0;
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "refillInterval", 0, 1));
        vm.prank(GUARDIAN);
        vault.tightenPolicy(p);
    }

    function test_tightenPolicy_appliesAtOnceAndClampsAllowance() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.allowanceCapUsd = 20_000e18;
        p.cooldown = 600;
        vm.expectEmit(false, false, false, true, address(vault));
        emit IMandateVault.PolicyUpdated(p);
        vm.prank(GUARDIAN);
        vault.tightenPolicy(p);
        assertEq(vault.accruedAllowance(), 20_000e18, "clamped to the new cap");
        assertEq(vault.policy().cooldown, 600, "applied immediately");
    }

    function test_removeToken_notOwnerOrGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, STRANGER));
        vm.prank(STRANGER);
        vault.removeToken(address(usdc));
    }

    function test_removeToken_notConfigured() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.TokenNotConfigured.selector, STRANGER));
        vm.prank(GUARDIAN);
        vault.removeToken(STRANGER);
    }

    function test_tightenOracleAge_notOwnerOrGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.tightenOracleAge(address(usdc), 60);
    }

    function test_tightenOracleAge_notConfigured() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.TokenNotConfigured.selector, STRANGER));
        vm.prank(GUARDIAN);
        vault.tightenOracleAge(STRANGER, 60);
    }

    function test_tightenOracleAge_zero() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "maxOracleAge", 0, 1));
        vm.prank(GUARDIAN);
        vault.tightenOracleAge(address(usdc), 0);
    }

    function test_tightenOracleAge_raising() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.NotTightening.selector, "maxOracleAge", ORACLE_AGE, ORACLE_AGE + 1)
        );
        vm.prank(GUARDIAN);
        vault.tightenOracleAge(address(usdc), ORACLE_AGE + 1);
    }

    function test_tightenOracleAge_lowers() public {
        vm.prank(GUARDIAN);
        vault.tightenOracleAge(address(usdc), 60);
        assertEq(vault.tokenConfig(address(usdc)).maxOracleAge, 60, "lowered");
    }

    function test_removePool_notOwnerOrGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.removePool(address(usdc), address(weth), 500);
    }

    function test_increaseTimelockDelay_notOwnerOrGuardian() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.increaseTimelockDelay(3 days);
    }

    function test_increaseTimelockDelay_lowering() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.NotTightening.selector, "timelockDelay", TIMELOCK, TIMELOCK - 1)
        );
        vm.prank(GUARDIAN);
        vault.increaseTimelockDelay(TIMELOCK - 1);
    }

    function test_increaseTimelockDelay_aboveMaximum() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "timelockDelay", 31 days, 30 days)
        );
        vm.prank(GUARDIAN);
        vault.increaseTimelockDelay(31 days);
    }

    function test_increaseTimelockDelay_raises() public {
        vm.expectEmit(false, false, false, true, address(vault));
        emit IMandateVault.TimelockDelayChanged(TIMELOCK, 30 days);
        vm.prank(GUARDIAN);
        vault.increaseTimelockDelay(30 days);
        assertEq(vault.timelockDelay(), 30 days, "raised at once");
    }

    // ------------------------------------------------------------------ the timelock queue

    function test_queueTimelockDelay_aboveMaximum() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "timelockDelay", 30 days + 1, 30 days)
        );
        vm.prank(OWNER);
        vault.queueTimelockDelay(30 days + 1);
    }


    function test_queuePolicy_notOwner() public {
        IMandateVault.Policy memory p = defaultPolicy();
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.queuePolicy(p);
    }

    function test_queuePolicy_invalidField() public {
        IMandateVault.Policy memory p = defaultPolicy();
        p.maxSlippageBps = 20_000;
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPolicyField.selector, "maxSlippageBps", 20_000, 10_000)
        );
        vm.prank(OWNER);
        vault.queuePolicy(p);
    }

    function test_queueToken_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.queueToken(address(usdc), address(usdcFeed), 60);
    }

    function test_queueToken_zeroFeed() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroAddress.selector, "feed"));
        vm.prank(OWNER);
        vault.queueToken(address(usdc), address(0), 60);
    }

    function test_queueToken_unsupportedDecimals() public {
        TestToken wide = new TestToken("Wide", "WIDE", 40);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.UnsupportedTokenDecimals.selector, address(wide), 40));
        vm.prank(OWNER);
        vault.queueToken(address(wide), address(usdcFeed), 60);
    }

    function test_queuePool_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, AGENT));
        vm.prank(AGENT);
        vault.queuePool(address(usdc), address(weth), 10_000);
    }

    function test_queuePool_invalidPool() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.InvalidPool.selector, address(weth), address(weth), uint24(500))
        );
        vm.prank(OWNER);
        vault.queuePool(address(weth), address(weth), 500);
    }

    function test_queueTimelockDelay_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.queueTimelockDelay(0);
    }

    function test_applyChange_notOwner() public {
        vm.prank(OWNER);
        uint256 id = vault.queuePool(address(usdc), address(weth), 10_000);
        vm.warp(block.timestamp + TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.applyChange(id);
    }

    function test_applyChange_notPending() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ChangeNotPending.selector, 7));
        vm.prank(OWNER);
        vault.applyChange(7);
    }

    function test_applyChange_notReadyOneSecondEarly() public {
        vm.prank(OWNER);
        uint256 id = vault.queuePool(address(usdc), address(weth), 10_000);
        uint64 eta = uint64(block.timestamp + TIMELOCK);
        vm.warp(eta - 1);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ChangeNotReady.selector, id, eta, eta - 1));
        vm.prank(OWNER);
        vault.applyChange(id);
        vm.warp(eta);
        vm.prank(OWNER);
        vault.applyChange(id);
        assertTrue(vault.poolAllowed(address(weth), address(usdc), 10_000), "applied at eta");
    }

    function test_applyChange_eachKindAndTheViews() public {
        IMandateVault.Policy memory looser = defaultPolicy();
        looser.perTradeCapUsd = 20_000e18;
        TestToken dai = new TestToken("Dai", "DAI", 18);
        vm.startPrank(OWNER);
        uint256 policyId = vault.queuePolicy(looser);
        uint256 tokenId = vault.queueToken(address(dai), address(usdcFeed), 600);
        uint256 poolId = vault.queuePool(address(dai), address(usdc), 100);
        uint256 delayId = vault.queueTimelockDelay(1 days);
        vm.stopPrank();

        assertEq(vault.changeCount(), 4, "four queued");
        assertEq(vault.pendingChangeIds().length, 4, "four pending");
        (IMandateVault.ChangeKind kind, bytes memory data, uint64 eta) = vault.pendingChange(tokenId);
        assertTrue(kind == IMandateVault.ChangeKind.SetToken, "kind");
        assertEq(keccak256(data), keccak256(abi.encode(address(dai), address(usdcFeed), uint32(600))), "data");
        assertEq(eta, block.timestamp + TIMELOCK, "eta");

        vm.warp(eta);
        vm.startPrank(OWNER);
        vault.applyChange(policyId);
        vault.applyChange(tokenId);
        vault.applyChange(poolId);
        vault.applyChange(delayId);
        vm.stopPrank();
        assertEq(vault.policy().perTradeCapUsd, 20_000e18, "policy applied");
        assertEq(vault.tokenConfig(address(dai)).decimals, 18, "token applied");
        assertTrue(vault.poolAllowed(address(usdc), address(dai), 100), "pool applied");
        assertEq(vault.timelockDelay(), 1 days, "delay applied");
        assertEq(vault.pendingChangeIds().length, 0, "none pending");
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ChangeNotPending.selector, policyId));
        vault.pendingChange(policyId);
    }

    function test_cancelChange_notOwnerOrGuardian() public {
        vm.prank(OWNER);
        uint256 id = vault.queueTimelockDelay(0);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwnerOrGuardian.selector, AGENT));
        vm.prank(AGENT);
        vault.cancelChange(id);
    }

    function test_cancelChange_notPending() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ChangeNotPending.selector, 1));
        vm.prank(GUARDIAN);
        vault.cancelChange(1);
    }

    function test_cancelChange_guardianCancelsSoItNeverApplies() public {
        vm.prank(OWNER);
        uint256 id = vault.queueTimelockDelay(0);
        vm.prank(GUARDIAN);
        vault.cancelChange(id);
        vm.warp(block.timestamp + TIMELOCK);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ChangeNotPending.selector, id));
        vm.prank(OWNER);
        vault.applyChange(id);
        assertEq(vault.timelockDelay(), TIMELOCK, "unchanged");
    }

    // ------------------------------------------------------------------ withdraw and ownership

    function test_withdraw_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, AGENT));
        vm.prank(AGENT);
        vault.withdraw(address(usdc), 1);
    }

    function test_withdraw_sendsToOwnerIncludingNoBoolToken() public {
        vm.startPrank(OWNER);
        vault.withdraw(address(usdc), 1_000e6);
        vault.withdraw(address(usdt), 2_000e6);
        vm.stopPrank();
        assertEq(usdc.balanceOf(OWNER), 1_000e6, "usdc to owner");
        assertEq(usdt.balanceOf(OWNER), 2_000e6, "usdt to owner");
    }

    function test_withdraw_tokenCallFailed() public {
        FalseReturningToken falseToken = new FalseReturningToken();
        falseToken.mint(address(vault), 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IMandateVault.TokenCallFailed.selector, address(falseToken), bytes4(0xa9059cbb))
        );
        vm.prank(OWNER);
        vault.withdraw(address(falseToken), 1e18);
    }

    function test_withdraw_tokenWithoutCode() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.TokenCallFailed.selector, STRANGER, bytes4(0xa9059cbb)));
        vm.prank(OWNER);
        vault.withdraw(STRANGER, 1);
    }

    function test_transferOwnership_notOwner() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.transferOwnership(GUARDIAN);
    }

    function test_acceptOwnership_notPendingOwner() public {
        vm.prank(OWNER);
        vault.transferOwnership(STRANGER);
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotPendingOwner.selector, GUARDIAN));
        vm.prank(GUARDIAN);
        vault.acceptOwnership();
    }

    function test_acceptOwnership_twoStepTransfer() public {
        vm.prank(OWNER);
        vault.transferOwnership(STRANGER);
        assertEq(vault.pendingOwner(), STRANGER, "pending");
        assertEq(vault.owner(), OWNER, "not yet");
        vm.prank(STRANGER);
        vault.acceptOwnership();
        assertEq(vault.owner(), STRANGER, "new owner");
        assertEq(vault.pendingOwner(), address(0), "cleared");
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotOwner.selector, OWNER));
        vm.prank(OWNER);
        vault.withdraw(address(usdc), 1);
    }

    // ------------------------------------------------------------------ helpers

    function _expectNotTightening(IMandateVault.Policy memory p, string memory field, uint256 current, uint256 proposed)
        internal
    {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotTightening.selector, field, current, proposed));
        vm.prank(GUARDIAN);
        vault.tightenPolicy(p);
    }
}
