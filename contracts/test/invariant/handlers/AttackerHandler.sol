// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "../../utils/Vm.sol";
import {IMandateVault} from "../../../src/interfaces/IMandateVault.sol";
import {ISwapRouter} from "../../../src/interfaces/ISwapRouter.sol";
import {HandlerBase, World, ConfigSnapshot, ROLE_ATTACKER} from "./HandlerBase.sol";

interface IMintableToken {
    function mint(address to, uint256 amount) external;
    function approve(address spender, uint256 amount) external;
    function transferFrom(address from, address to, uint256 amount) external;
}

/// @notice A stranger: calls every vault function, tries to pull tokens from the vault, and moves the pools
///         with real swaps (market noise and sandwich attempts around the agent's trades).
contract AttackerHandler is HandlerBase {
    uint256 public successes;

    constructor(World memory world_) HandlerBase(world_) {}

    function callVault(uint256 seed) external {
        ConfigSnapshot memory before = snapshot();
        bytes memory call = _call(seed);
        vm.prank(ROLE_ATTACKER);
        (bool ok,) = address(vault).call(call);
        if (ok) successes += 1;
        checkNotLoosened(before);
    }

    function pullFromVault(uint256 seed, uint256 amountSeed) external {
        vm.prank(ROLE_ATTACKER);
        (bool ok,) = token(seed).call(
            abi.encodeCall(IMintableToken.transferFrom, (address(vault), ROLE_ATTACKER, bound(amountSeed, 1, 1e18)))
        );
        if (ok) successes += 1;
    }

    /// @notice A real swap through the router, up to ~$100k (moving a pool up to ~1%), in a random direction.
    function swapPool(uint256 seed, uint256 amountSeed) external {
        (address a, address b, uint24 fee) = poolKey(seed % 3);
        (address tokenIn, address tokenOut) = (seed >> 8) % 2 == 0 ? (a, b) : (b, a);
        uint256 amountIn = tokenIn == world.tokens[1] ? bound(amountSeed, 1e15, 50e18) : bound(amountSeed, 1e6, 100_000e6);
        vm.startPrank(ROLE_ATTACKER);
        IMintableToken(tokenIn).mint(ROLE_ATTACKER, amountIn);
        IMintableToken(tokenIn).approve(router, 0);
        IMintableToken(tokenIn).approve(router, amountIn);
        ISwapRouter(router).exactInputSingle(
            ISwapRouter.ExactInputSingleParams(tokenIn, tokenOut, fee, ROLE_ATTACKER, block.timestamp, amountIn, 0, 0)
        );
        vm.stopPrank();
    }

    function _call(uint256 seed) internal view returns (bytes memory) {
        uint256 which = seed % 14;
        address t = token(seed >> 8);
        if (which == 0) {
            IMandateVault.TradeIntent memory i = IMandateVault.TradeIntent(
                keccak256(abi.encode(seed)), 0, 0, world.tokens[0], world.tokens[1], 500, 1e6, 0, uint64(block.timestamp)
            );
            return abi.encodeCall(IMandateVault.executeTrade, (i));
        }
        if (which == 1) return abi.encodeCall(IMandateVault.commitDecisions, (keccak256(abi.encode(seed)), 1));
        if (which == 2) return abi.encodeCall(IMandateVault.withdraw, (t, 1));
        if (which == 3) return abi.encodeCall(IMandateVault.applyChange, (seed >> 16));
        if (which == 4) return abi.encodeCall(IMandateVault.queuePolicy, (randomPolicy(seed)));
        if (which == 5) return abi.encodeCall(IMandateVault.pause, ());
        if (which == 6) return abi.encodeCall(IMandateVault.unpause, ());
        if (which == 7) return abi.encodeCall(IMandateVault.setAgent, (ROLE_ATTACKER));
        if (which == 8) return abi.encodeCall(IMandateVault.setGuardian, (ROLE_ATTACKER));
        if (which == 9) return abi.encodeCall(IMandateVault.transferOwnership, (ROLE_ATTACKER));
        if (which == 10) return abi.encodeCall(IMandateVault.acceptOwnership, ());
        if (which == 11) return abi.encodeCall(IMandateVault.revokeAgent, ());
        if (which == 12) return abi.encodeCall(IMandateVault.cancelChange, (seed >> 16));
        return abi.encodeCall(IMandateVault.queueToken, (t, address(world.feeds[0]), 1 days));
    }
}
