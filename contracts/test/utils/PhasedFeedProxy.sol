// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice What the proxy reads from an aggregator (a DevAggregator, or any AggregatorV3Interface).
interface IPhasedFeedAggregator {
    function decimals() external view returns (uint8);
    function description() external view returns (string memory);
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80);
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80);
}

/// @title PhasedFeedProxy
/// @notice Test only: the reads of Chainlink's EACAggregatorProxy across phases, for the history walk's tests.
///         Each aggregator it was pointed at is a phase (`phaseAggregators`); round ids carry the phase in their
///         top 16 bits over the aggregator's 64-bit round id, and getRoundData reads a round of any phase from
///         that phase's aggregator. Anyone may move it to a new aggregator.
contract PhasedFeedProxy {
    /// @notice No aggregator served this phase.
    error PhaseNotFound(uint16 phaseId);

    uint256 private constant PHASE_OFFSET = 64;

    /// @notice The current phase.
    uint16 public phaseId;
    /// @notice The aggregator of each phase.
    mapping(uint16 phaseId => address aggregator) public phaseAggregators;

    /// @param aggregator_ The first phase's aggregator.
    constructor(address aggregator_) {
        setAggregator(aggregator_);
    }

    /// @notice Starts a new phase read from `next`, as a feed upgrade does.
    function setAggregator(address next) public {
        phaseId += 1;
        phaseAggregators[phaseId] = next;
    }

    /// @notice The current aggregator.
    function aggregator() public view returns (address) {
        return phaseAggregators[phaseId];
    }

    /// @notice The current aggregator's decimals.
    function decimals() external view returns (uint8) {
        return IPhasedFeedAggregator(aggregator()).decimals();
    }

    /// @notice The current aggregator's description.
    function description() external view returns (string memory) {
        return IPhasedFeedAggregator(aggregator()).description();
    }

    /// @notice The current aggregator's newest round, with the phase in its ids.
    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            IPhasedFeedAggregator(aggregator()).latestRoundData();
        return (withPhase(phaseId, roundId), answer, startedAt, updatedAt, withPhase(phaseId, answeredInRound));
    }

    /// @notice A round of any phase: the top 16 bits of `roundId` name the phase, the low 64 its round.
    function getRoundData(uint80 roundId) external view returns (uint80, int256, uint256, uint256, uint80) {
        uint16 phase = uint16(roundId >> PHASE_OFFSET);
        address source = phaseAggregators[phase];
        if (source == address(0)) revert PhaseNotFound(phase);
        (, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound) =
            IPhasedFeedAggregator(source).getRoundData(uint64(roundId));
        return (roundId, answer, startedAt, updatedAt, withPhase(phase, answeredInRound));
    }

    function withPhase(uint16 phase, uint80 id) private pure returns (uint80) {
        return uint80((uint256(phase) << PHASE_OFFSET) | uint64(id));
    }
}
