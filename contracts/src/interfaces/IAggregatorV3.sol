// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The subset of Chainlink's AggregatorV3Interface the vault reads.
/// @notice Price feeds and the L2 sequencer-uptime feed share this shape.
interface IAggregatorV3 {
    /// @notice Number of decimals in `answer`; the vault reads it on every trade instead of assuming 8.
    function decimals() external view returns (uint8);

    /// @notice The latest round. For a sequencer-uptime feed, `answer` 0 means up, 1 means down, and
    ///         `startedAt` is when the status last changed.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
