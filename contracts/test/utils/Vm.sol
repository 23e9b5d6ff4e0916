// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The few forge cheatcodes these tests use. forge-std is not on npm, so we declare them here.
interface Vm {
    function warp(uint256 timestamp) external;
    function prank(address sender) external;
}

Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
