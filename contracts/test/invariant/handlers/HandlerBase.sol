// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "../../utils/Vm.sol";
import {TestAggregator} from "../../utils/TestAggregator.sol";
import {MandateVault} from "../../../src/MandateVault.sol";
import {IMandateVault} from "../../../src/interfaces/IMandateVault.sol";

address constant ROLE_OWNER = address(0xA11CE);
address constant ROLE_GUARDIAN = address(0x6A4D);
address constant ROLE_AGENT = address(0xA6E7);
address constant ROLE_ATTACKER = address(0xBAD);

/// @notice What every handler sees: the vault, the router, the three tokens (USDC, WETH, USDT-style) and their
///         feeds, in that order, and the canonical feed answers the oracle handler returns to.
struct World {
    MandateVault vault;
    address router;
    address[3] tokens;
    TestAggregator[3] feeds;
    int256[3] canonicalAnswers;
}

/// @notice Everything "loosening" could change, to compare before and after a call.
struct ConfigSnapshot {
    IMandateVault.Policy policy;
    uint64 timelockDelay;
    bool paused;
    address agent;
    IMandateVault.TokenConfig[3] tokens;
    bool[4] pools;
}

/// @notice Shared plumbing for the invariant handlers: the world, bounded inputs and the loosening check.
abstract contract HandlerBase {
    MandateVault internal immutable vault;
    address internal immutable router;
    World internal world;

    /// @notice How many calls of this handler loosened the configuration when they must not have.
    uint256 public loosenings;

    constructor(World memory world_) {
        world = world_;
        vault = world_.vault;
        router = world_.router;
    }

    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (max <= min) return min;
        return min + (x % (max - min + 1));
    }

    function token(uint256 seed) internal view returns (address) {
        return world.tokens[seed % 3];
    }

    /// @dev The four pools the suite knows: the three fixture pools and USDC/USDT 500 (not allowed at deploy).
    function poolKey(uint256 seed) internal view returns (address tokenA, address tokenB, uint24 fee) {
        uint256 i = seed % 4;
        if (i == 0) return (world.tokens[0], world.tokens[1], 500);
        if (i == 1) return (world.tokens[0], world.tokens[1], 3000);
        if (i == 2) return (world.tokens[2], world.tokens[1], 3000);
        return (world.tokens[0], world.tokens[2], 500);
    }

    function snapshot() internal view returns (ConfigSnapshot memory s) {
        s.policy = vault.policy();
        s.timelockDelay = vault.timelockDelay();
        s.paused = vault.paused();
        s.agent = vault.agent();
        for (uint256 i = 0; i < 3; ++i) {
            s.tokens[i] = vault.tokenConfig(world.tokens[i]);
        }
        for (uint256 i = 0; i < 4; ++i) {
            (address a, address b, uint24 fee) = poolKey(i);
            s.pools[i] = vault.poolAllowed(a, b, fee);
        }
    }

    /// @notice True if `b` allows anything `a` did not: the definition of loosening in IMandateVault.sol.
    function looser(ConfigSnapshot memory a, ConfigSnapshot memory b) internal pure returns (bool) {
        if (b.policy.perTradeCapUsd > a.policy.perTradeCapUsd) return true;
        if (b.policy.allowanceCapUsd > a.policy.allowanceCapUsd) return true;
        if (b.policy.refillAmountUsd > a.policy.refillAmountUsd) return true;
        if (b.policy.refillInterval < a.policy.refillInterval) return true;
        if (b.policy.maxSlippageBps > a.policy.maxSlippageBps) return true;
        if (b.policy.cooldown < a.policy.cooldown) return true;
        if (b.timelockDelay < a.timelockDelay) return true;
        if (a.paused && !b.paused) return true;
        if (b.agent != a.agent && b.agent != address(0)) return true;
        for (uint256 i = 0; i < 3; ++i) {
            if (!b.tokens[i].allowed) continue;
            if (!a.tokens[i].allowed) return true;
            if (b.tokens[i].maxOracleAge > a.tokens[i].maxOracleAge || b.tokens[i].feed != a.tokens[i].feed) return true;
        }
        for (uint256 i = 0; i < 4; ++i) {
            if (b.pools[i] && !a.pools[i]) return true;
        }
        return false;
    }

    /// @dev Counts a loosening if the configuration became looser since `before`.
    function checkNotLoosened(ConfigSnapshot memory before) internal {
        if (looser(before, snapshot())) loosenings += 1;
    }

    /// @dev A policy no looser than `current` in any field, moved by the seeds.
    function tighter(IMandateVault.Policy memory current, uint256 seed) internal pure returns (IMandateVault.Policy memory p) {
        p = current;
        uint256 which = seed % 6;
        uint256 amount = seed >> 8;
        if (which == 0) p.perTradeCapUsd = uint96(bound(amount, 0, p.perTradeCapUsd));
        if (which == 1) p.allowanceCapUsd = uint96(bound(amount, 0, p.allowanceCapUsd));
        if (which == 2) p.refillAmountUsd = uint96(bound(amount, 0, p.refillAmountUsd));
        if (which == 3) p.refillInterval = uint32(bound(amount, p.refillInterval, uint256(p.refillInterval) * 2));
        if (which == 4) p.maxSlippageBps = uint16(bound(amount, 0, p.maxSlippageBps));
        if (which == 5) p.cooldown = uint32(bound(amount, p.cooldown, uint256(p.cooldown) + 600));
    }

    /// @dev A random valid policy in ranges where trades can still happen (may be looser or tighter).
    function randomPolicy(uint256 seed) internal pure returns (IMandateVault.Policy memory p) {
        p.perTradeCapUsd = uint96(bound(seed, 1_000, 20_000) * 1e18);
        p.allowanceCapUsd = uint96(bound(seed >> 16, 5_000, 100_000) * 1e18);
        p.refillAmountUsd = uint96(bound(seed >> 32, 0, 20_000) * 1e18);
        p.refillInterval = uint32(bound(seed >> 48, 60, 1 days));
        p.maxSlippageBps = uint16(bound(seed >> 64, 10, 300));
        p.cooldown = uint32(bound(seed >> 80, 0, 600));
    }
}
