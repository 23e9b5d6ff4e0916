// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
import {vm} from "./utils/Vm.sol";
contract SmokeTest {
    function test_warp() public {
        vm.warp(100);
        require(block.timestamp == 100, "warp");
    }
}
