// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {HandlerBase, World} from "./HandlerBase.sol";

/// @notice The price feeds: moves answers around their canonical price, and publishes stale, zero, negative,
///         timestamp-less and future-dated rounds, the failures a real feed can show.
contract OracleHandler is HandlerBase {
    constructor(World memory world_) HandlerBase(world_) {}

    function move(uint256 seed, uint256 bpsSeed) external {
        uint256 i = seed % 3;
        uint256 bps = bound(bpsSeed, 0, 300);
        int256 base = world.canonicalAnswers[i];
        int256 answer = (seed >> 8) % 2 == 0 ? base * int256(10_000 + bps) / 10_000 : base * int256(10_000 - bps) / 10_000;
        world.feeds[i].setRound(answer, block.timestamp);
    }

    function refresh(uint256 seed) external {
        uint256 i = seed % 3;
        world.feeds[i].setRound(world.canonicalAnswers[i], block.timestamp);
    }

    function stale(uint256 seed, uint256 extra) external {
        uint256 i = seed % 3;
        uint256 age = uint256(vault.tokenConfig(world.tokens[i]).maxOracleAge) + 1 + bound(extra, 0, 1 days);
        if (age >= block.timestamp) return;
        world.feeds[i].setRound(world.canonicalAnswers[i], block.timestamp - age);
    }

    function invalid(uint256 seed) external {
        uint256 i = seed % 3;
        uint256 kind = (seed >> 8) % 4;
        if (kind == 0) world.feeds[i].setRound(0, block.timestamp);
        if (kind == 1) world.feeds[i].setRound(-1, block.timestamp);
        if (kind == 2) world.feeds[i].setRound(world.canonicalAnswers[i], 0);
        if (kind == 3) world.feeds[i].setRound(world.canonicalAnswers[i], block.timestamp + 1);
    }
}
