// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title DevAggregator
/// @notice A Chainlink-style price feed (AggregatorV3Interface) for the local devnet, whose rounds are set
///         by a market driver replaying real Chainlink history.
/// @dev Rounds are stored exactly as given, including invalid ones (answer <= 0, updatedAt == 0), so
///      consumers can be tested against what a real feed may return. Anyone may set rounds: devnet only.
contract DevAggregator {
    struct Round {
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
    }

    /// @notice Emitted when a round is set, like Chainlink's OffchainAggregator.
    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);
    /// @notice Emitted when a round is set, like Chainlink's OffchainAggregator.
    event NewRound(uint256 indexed roundId, address indexed startedBy, uint256 startedAt);

    /// @notice No round with this id was ever set (Chainlink reverts with "No data present").
    error NoDataPresent(uint80 roundId);

    uint8 public immutable decimals;
    string public description;
    uint256 public constant version = 4;
    /// @notice The id of the newest round set; latestRoundData reads it.
    uint80 public latestRound;
    mapping(uint80 roundId => Round) private rounds;
    mapping(uint80 roundId => bool) private exists;

    /// @param decimals_ The answer's decimals, e.g. 8 for ETH/USD.
    /// @param description_ The feed description, e.g. "ETH / USD".
    constructor(uint8 decimals_, string memory description_) {
        decimals = decimals_;
        description = description_;
    }

    /// @notice Sets a round and makes it the latest.
    /// @param roundId The round id, e.g. (phaseId << 64) + aggregator round.
    /// @param answer The price × 10^decimals.
    /// @param startedAt When the round started, unix seconds.
    /// @param updatedAt When the round was answered, unix seconds.
    /// @param answeredInRound The round in which the answer was computed.
    function setRound(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
        external
    {
        rounds[roundId] = Round(answer, startedAt, updatedAt, answeredInRound);
        exists[roundId] = true;
        latestRound = roundId;
        emit NewRound(roundId, msg.sender, startedAt);
        emit AnswerUpdated(answer, roundId, updatedAt);
    }

    /// @notice The newest round, as AggregatorV3Interface defines it.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        return getRoundData(latestRound);
    }

    /// @notice A given round, as AggregatorV3Interface defines it.
    function getRoundData(uint80 roundId)
        public
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (!exists[roundId]) revert NoDataPresent(roundId);
        Round memory r = rounds[roundId];
        return (roundId, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }

    /// @notice The latest answer (Chainlink's legacy AggregatorInterface).
    function latestAnswer() external view returns (int256) {
        return rounds[latestRound].answer;
    }

    /// @notice The latest round's updatedAt (Chainlink's legacy AggregatorInterface).
    function latestTimestamp() external view returns (uint256) {
        return rounds[latestRound].updatedAt;
    }
}
