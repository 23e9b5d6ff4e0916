// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "../../utils/Vm.sol";
import {IMandateVault} from "../../../src/interfaces/IMandateVault.sol";
import {HandlerBase, World, ConfigSnapshot, ROLE_GUARDIAN} from "./HandlerBase.sol";

/// @notice The guardian: every tightening power it has, plus attempts at everything it must not do. Any
///         loosening, and any owner-only call that succeeds, is counted.
contract GuardianHandler is HandlerBase {
    uint256 public forbiddenSuccesses;

    constructor(World memory world_) HandlerBase(world_) {}

    function pause() external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.pause();
        checkNotLoosened(before);
    }

    function revokeAgent() external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.revokeAgent();
        checkNotLoosened(before);
    }

    function tightenPolicy(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.tightenPolicy(tighter(vault.policy(), seed));
        checkNotLoosened(before);
    }

    function removeToken(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.removeToken(token(seed));
        checkNotLoosened(before);
    }

    function removePool(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        (address a, address b, uint24 fee) = poolKey(seed);
        vm.prank(ROLE_GUARDIAN);
        vault.removePool(a, b, fee);
        checkNotLoosened(before);
    }

    function tightenOracleAge(uint256 seed, uint256 ageSeed) external {
        address t = token(seed);
        uint32 current = vault.tokenConfig(t).maxOracleAge;
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.tightenOracleAge(t, uint32(bound(ageSeed, 1, current)));
        checkNotLoosened(before);
    }

    function increaseTimelockDelay(uint256 seed) external {
        uint64 current = vault.timelockDelay();
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.increaseTimelockDelay(uint64(bound(seed, current, current + 1 days)));
        checkNotLoosened(before);
    }

    function cancelChange(uint256 seed) external {
        uint256[] memory ids = vault.pendingChangeIds();
        if (ids.length == 0) return;
        ConfigSnapshot memory before = snapshot();
        vm.prank(ROLE_GUARDIAN);
        vault.cancelChange(ids[seed % ids.length]);
        checkNotLoosened(before);
    }

    /// @notice Tries one thing only the owner may do, or a loosening dressed up as tightening.
    function tryLoosen(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        uint256 which = seed % 8;
        bytes memory call;
        if (which == 0) call = abi.encodeCall(IMandateVault.unpause, ());
        if (which == 1) call = abi.encodeCall(IMandateVault.setAgent, (ROLE_GUARDIAN));
        if (which == 2) call = abi.encodeCall(IMandateVault.queuePolicy, (randomPolicy(seed)));
        if (which == 3) {
            uint256[] memory ids = vault.pendingChangeIds();
            call = abi.encodeCall(IMandateVault.applyChange, (ids.length == 0 ? 1 : ids[(seed >> 8) % ids.length]));
        }
        if (which == 4) call = abi.encodeCall(IMandateVault.withdraw, (token(seed >> 8), 1));
        if (which == 5) call = abi.encodeCall(IMandateVault.queueTimelockDelay, (0));
        if (which == 6) {
            IMandateVault.Policy memory p = vault.policy();
            p.perTradeCapUsd += 1;
            call = abi.encodeCall(IMandateVault.tightenPolicy, (p));
        }
        if (which == 7) {
            address t = token(seed >> 8);
            call = abi.encodeCall(IMandateVault.tightenOracleAge, (t, vault.tokenConfig(t).maxOracleAge + 1));
        }
        vm.prank(ROLE_GUARDIAN);
        (bool ok,) = address(vault).call(call);
        if (ok) forbiddenSuccesses += 1;
        checkNotLoosened(before);
    }
}
