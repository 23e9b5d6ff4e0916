// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "../../utils/Vm.sol";
import {IERC20Minimal} from "../../../src/interfaces/IERC20Minimal.sol";
import {IMandateVault} from "../../../src/interfaces/IMandateVault.sol";
import {HandlerBase, World, ConfigSnapshot, ROLE_OWNER, ROLE_AGENT} from "./HandlerBase.sol";

/// @notice The owner: queues loosening changes, applies them (also too early, which must fail), cancels, tightens,
///         unpauses, restores the agent and withdraws. Only applyChange, unpause and setAgent may loosen.
contract OwnerHandler is HandlerBase {
    mapping(address => uint256) public withdrawn;
    uint256 public earlyApplications;
    uint256 public appliedChanges;

    constructor(World memory world_) HandlerBase(world_) {}

    function queuePolicy(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_OWNER);
        vault.queuePolicy(randomPolicy(seed));
        checkNotLoosened(before);
    }

    function queueToken(uint256 seed, uint256 ageSeed) external {
        ConfigSnapshot memory before = snapshot();
        uint256 i = seed % 3;
        vm.prank(ROLE_OWNER);
        vault.queueToken(world.tokens[i], address(world.feeds[i]), uint32(bound(ageSeed, 10 minutes, 2 hours)));
        checkNotLoosened(before);
    }

    function queuePool(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        (address a, address b, uint24 fee) = poolKey(seed);
        vm.prank(ROLE_OWNER);
        vault.queuePool(a, b, fee);
        checkNotLoosened(before);
    }

    function queueTimelockDelay(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_OWNER);
        vault.queueTimelockDelay(uint64(bound(seed, 0, 3 days)));
        checkNotLoosened(before);
    }

    /// @notice Applies a random pending change, whether or not its eta has come.
    function applyChange(uint256 seed) external {
        uint256[] memory ids = vault.pendingChangeIds();
        if (ids.length == 0) return;
        uint256 id = ids[seed % ids.length];
        (,, uint64 eta) = vault.pendingChange(id);
        vm.prank(ROLE_OWNER);
        try vault.applyChange(id) {
            appliedChanges += 1;
            if (block.timestamp < eta) earlyApplications += 1;
        } catch {}
    }

    function cancelChange(uint256 seed) external {
        uint256[] memory ids = vault.pendingChangeIds();
        if (ids.length == 0) return;
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_OWNER);
        vault.cancelChange(ids[seed % ids.length]);
        checkNotLoosened(before);
    }

    function tightenPolicy(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_OWNER);
        vault.tightenPolicy(tighter(vault.policy(), seed));
        checkNotLoosened(before);
    }

    function unpause() external {
        vm.prank(ROLE_OWNER);
        vault.unpause();
    }

    function restoreAgent() external {
        vm.prank(ROLE_OWNER);
        vault.setAgent(ROLE_AGENT);
    }

    function withdraw(uint256 seed, uint256 amountSeed) external {
        address t = token(seed);
        uint256 amount = bound(amountSeed, 0, IERC20Minimal(t).balanceOf(address(vault)) / 20);
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_OWNER);
        vault.withdraw(t, amount);
        withdrawn[t] += amount;
        checkNotLoosened(before);
    }
}
