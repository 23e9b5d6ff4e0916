// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "../../utils/Vm.sol";
import {HandlerBase, World} from "./HandlerBase.sol";

/// @notice Time: short steps (cooldowns, refills, oracle ageing) and jumps past the timelock. Optionally keeps
///         the feeds fresh, as a live Chainlink feed would, so trading can resume.
contract TimeHandler is HandlerBase {
    constructor(World memory world_) HandlerBase(world_) {}

    function warp(uint256 seed) external {
        vm.warp(block.timestamp + bound(seed, 1, 2 hours));
        if ((seed >> 128) % 2 == 0) _refreshAll();
    }

    function warpPastTimelock() external {
        vm.warp(block.timestamp + vault.timelockDelay() + 1);
        _refreshAll();
    }

    function _refreshAll() internal {
        for (uint256 i = 0; i < 3; ++i) {
            (, int256 answer,,,) = world.feeds[i].latestRoundData();
            world.feeds[i].setRound(answer, block.timestamp);
        }
    }
}
