// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "../utils/Vm.sol";
import {VaultFixture} from "../utils/VaultFixture.sol";
import {IERC20Minimal} from "../../src/interfaces/IERC20Minimal.sol";
import {IMandateVault} from "../../src/interfaces/IMandateVault.sol";
import {World, ROLE_OWNER, ROLE_GUARDIAN, ROLE_AGENT, ROLE_ATTACKER} from "./handlers/HandlerBase.sol";
import {AgentHandler} from "./handlers/AgentHandler.sol";
import {OwnerHandler} from "./handlers/OwnerHandler.sol";
import {GuardianHandler} from "./handlers/GuardianHandler.sol";
import {AttackerHandler} from "./handlers/AttackerHandler.sol";
import {OracleHandler} from "./handlers/OracleHandler.sol";
import {TimeHandler} from "./handlers/TimeHandler.sol";

/// @notice The vault's invariants (DESIGN.md) under random sequences of agent, owner, guardian, attacker, oracle
///         and time actions against the real Uniswap v3 pools. Handlers count every broken rule as it happens;
///         each invariant below requires one of those counts to be 0 or checks the vault's live state.
contract MandateVaultInvariantTest is VaultFixture {
    AgentHandler internal agent;
    OwnerHandler internal owner;
    GuardianHandler internal guardian;
    AttackerHandler internal attacker;
    OracleHandler internal oracle;
    TimeHandler internal time;
    address[3] internal tokens;
    mapping(address => uint256) internal initialBalance;

    function setUp() public override {
        super.setUp();
        require(OWNER == ROLE_OWNER && GUARDIAN == ROLE_GUARDIAN && AGENT == ROLE_AGENT && STRANGER == ROLE_ATTACKER);
        tokens = [address(usdc), address(weth), address(usdt)];
        World memory world = World({
            vault: vault,
            router: router,
            tokens: tokens,
            feeds: [usdcFeed, ethFeed, usdtFeed],
            canonicalAnswers: [int256(1e8), ETH_USD_8, int256(1e18)]
        });
        agent = new AgentHandler(world);
        owner = new OwnerHandler(world);
        guardian = new GuardianHandler(world);
        attacker = new AttackerHandler(world);
        oracle = new OracleHandler(world);
        time = new TimeHandler(world);
        for (uint256 i = 0; i < 3; ++i) {
            initialBalance[tokens[i]] = IERC20Minimal(tokens[i]).balanceOf(address(vault));
        }
    }

    /// @notice forge's invariant runner calls only these contracts.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](6);
        targets[0] = address(agent);
        targets[1] = address(owner);
        targets[2] = address(guardian);
        targets[3] = address(attacker);
        targets[4] = address(oracle);
        targets[5] = address(time);
    }

    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    /// @notice Only the handlers' actions, not their public ghost getters, are called.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](6);
        bytes4[] memory a = new bytes4[](3);
        a[0] = AgentHandler.executeTrade.selector;
        a[1] = AgentHandler.executeTypicalTrade.selector;
        a[2] = AgentHandler.commitDecisions.selector;
        targets[0] = FuzzSelector(address(agent), a);
        bytes4[] memory o = new bytes4[](10);
        o[0] = OwnerHandler.queuePolicy.selector;
        o[1] = OwnerHandler.queueToken.selector;
        o[2] = OwnerHandler.queuePool.selector;
        o[3] = OwnerHandler.queueTimelockDelay.selector;
        o[4] = OwnerHandler.applyChange.selector;
        o[5] = OwnerHandler.cancelChange.selector;
        o[6] = OwnerHandler.tightenPolicy.selector;
        o[7] = OwnerHandler.unpause.selector;
        o[8] = OwnerHandler.restoreAgent.selector;
        o[9] = OwnerHandler.withdraw.selector;
        targets[1] = FuzzSelector(address(owner), o);
        bytes4[] memory g = new bytes4[](9);
        g[0] = GuardianHandler.pause.selector;
        g[1] = GuardianHandler.revokeAgent.selector;
        g[2] = GuardianHandler.tightenPolicy.selector;
        g[3] = GuardianHandler.removeToken.selector;
        g[4] = GuardianHandler.removePool.selector;
        g[5] = GuardianHandler.tightenOracleAge.selector;
        g[6] = GuardianHandler.increaseTimelockDelay.selector;
        g[7] = GuardianHandler.cancelChange.selector;
        g[8] = GuardianHandler.tryLoosen.selector;
        targets[2] = FuzzSelector(address(guardian), g);
        bytes4[] memory x = new bytes4[](3);
        x[0] = AttackerHandler.callVault.selector;
        x[1] = AttackerHandler.pullFromVault.selector;
        x[2] = AttackerHandler.swapPool.selector;
        targets[3] = FuzzSelector(address(attacker), x);
        bytes4[] memory f = new bytes4[](4);
        f[0] = OracleHandler.move.selector;
        f[1] = OracleHandler.refresh.selector;
        f[2] = OracleHandler.stale.selector;
        f[3] = OracleHandler.invalid.selector;
        targets[4] = FuzzSelector(address(oracle), f);
        bytes4[] memory w = new bytes4[](2);
        w[0] = TimeHandler.warp.selector;
        w[1] = TimeHandler.warpPastTimelock.selector;
        targets[5] = FuzzSelector(address(time), w);
    }

    // ------------------------------------------------------------------ funds

    function invariant_routerAllowanceIsZero() public view {
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(IERC20Minimal(tokens[i]).allowance(address(vault), router), 0, "router allowance");
        }
    }

    /// @notice Tokens leave only as a trade's amountIn (to the router's pool) or as a withdrawal.
    function invariant_tokensLeaveOnlyInTradesOrWithdrawals() public view {
        for (uint256 i = 0; i < 3; ++i) {
            address t = tokens[i];
            uint256 expected = initialBalance[t] + agent.bought(t) - agent.sold(t) - owner.withdrawn(t);
            assertEq(IERC20Minimal(t).balanceOf(address(vault)), expected, "vault balance");
        }
    }

    /// @notice Withdrawals reach the owner and nobody else; the attacker never gets anything out.
    function invariant_withdrawalsReachOnlyTheOwner() public view {
        for (uint256 i = 0; i < 3; ++i) {
            assertEq(IERC20Minimal(tokens[i]).balanceOf(OWNER), owner.withdrawn(tokens[i]), "owner balance");
        }
        assertEq(attacker.successes(), 0, "attacker call succeeded");
    }

    // ------------------------------------------------------------------ limits

    function invariant_tradeValueWithinPerTradeCap() public view {
        assertEq(agent.capViolations(), 0, "trade above the per-trade cap");
        assertEq(agent.valueViolations(), 0, "valueUsd differs from the oracle formula");
    }

    function invariant_allowanceNeverExceedsCapNorGoesNegative() public view {
        uint256 cap = vault.policy().allowanceCapUsd;
        (uint96 stored,) = vault.allowanceState();
        assertLe(stored, cap, "stored allowance above cap");
        assertLe(vault.accruedAllowance(), cap, "accrued allowance above cap");
        assertEq(agent.allowanceViolations(), 0, "trade spent more than the accrued allowance");
    }

    function invariant_badOracleMakesEveryTradeRevert() public view {
        assertEq(agent.badOracleViolations(), 0, "trade with a stale or non-positive oracle");
    }

    function invariant_pausedMakesEveryAgentCallRevert() public view {
        assertEq(agent.pausedViolations(), 0, "agent call succeeded while paused");
    }

    function invariant_decisionExecutesAtMostOnce() public view {
        assertEq(agent.duplicateViolations(), 0, "decisionId executed twice");
    }

    function invariant_tradesAtLeastCooldownApart() public view {
        assertEq(agent.cooldownViolations(), 0, "trades closer than the cooldown");
    }

    function invariant_onlyAllowedTokensAndPoolsTrade() public view {
        assertEq(agent.notAllowedViolations(), 0, "trade in a token or pool not allowed");
    }

    // ------------------------------------------------------------------ governance

    function invariant_looseningNeverAppliesBeforeItsTime() public view {
        assertEq(owner.earlyApplications(), 0, "change applied before its eta");
        assertEq(owner.loosenings(), 0, "owner call other than apply/unpause/setAgent loosened");
        assertEq(agent.loosenings(), 0, "agent call loosened");
        assertEq(attacker.loosenings(), 0, "attacker call loosened");
    }

    function invariant_guardianNeverLoosens() public view {
        assertEq(guardian.loosenings(), 0, "guardian loosened");
        assertEq(guardian.forbiddenSuccesses(), 0, "guardian did an owner-only thing");
    }

    // ------------------------------------------------------------------ audit trail

    function invariant_eachTradeEmitsOneMatchingEvent() public view {
        assertEq(agent.eventViolations(), 0, "TradeExecuted missing, doubled or not matching balances");
    }

    function invariant_decisionBatchesChain() public view {
        uint256 count = vault.batchCount();
        assertEq(count, agent.committedCount(), "batch count");
        for (uint256 i = 1; i <= count; ++i) {
            assertEq(vault.batchRoot(i), agent.committedRoots(i - 1), "batch root");
        }
        assertEq(vault.batchRoot(count + 1), bytes32(0), "no root past the last batch");
    }

    function invariant_executedDecisionsAreMarked() public view {
        uint256 n = agent.executedCount();
        for (uint256 i = 0; i < n; ++i) {
            assertTrue(vault.decisionExecuted(agent.executedIds(i)), "executed id not marked");
        }
    }
}
