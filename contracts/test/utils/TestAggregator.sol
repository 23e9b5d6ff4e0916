// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice A Chainlink-style feed whose round the test sets. Like Chainlink's OCR aggregator, the latest round
///         lives in two storage slots and decimals are fixed at deploy, so gas figures stay realistic.
contract TestAggregator {
    uint8 public immutable decimals;
    int256 private _answer;
    uint80 private _roundId;
    uint64 private _startedAt;
    uint64 private _updatedAt;

    constructor(uint8 decimals_, int256 answer, uint256 updatedAt) {
        decimals = decimals_;
        setRound(answer, updatedAt);
    }

    /// @notice Publishes a new round with startedAt = updatedAt.
    function setRound(int256 answer, uint256 updatedAt) public {
        _answer = answer;
        _roundId += 1;
        _startedAt = uint64(updatedAt);
        _updatedAt = uint64(updatedAt);
    }

    /// @notice Publishes a round whose startedAt differs from updatedAt (sequencer-uptime feeds use startedAt).
    function setRound(int256 answer, uint256 startedAt, uint256 updatedAt) external {
        _answer = answer;
        _roundId += 1;
        _startedAt = uint64(startedAt);
        _updatedAt = uint64(updatedAt);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (_roundId, _answer, _startedAt, _updatedAt, _roundId);
    }
}

/// @notice A feed that reports an unsupported number of decimals.
contract WideDecimalsAggregator {
    uint8 public constant decimals = 40;

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (1, 1e40, block.timestamp, block.timestamp, 1);
    }
}
