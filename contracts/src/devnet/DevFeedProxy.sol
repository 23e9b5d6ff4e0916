// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The aggregator functions the proxy forwards to (a DevAggregator, or any AggregatorV3Interface).
interface IDevFeedAggregator {
    function decimals() external view returns (uint8);
    function description() external view returns (string memory);
    function version() external view returns (uint256);
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}

/// @title DevFeedProxy
/// @notice A Chainlink-style price feed proxy for the local devnet: consumers read this address, and the owner
///         can move it to a new aggregator (propose, then confirm), which starts a new phase. Round ids carry
///         the phase: roundId = (phaseId << 64) | aggregator round id, as Chainlink's AggregatorProxy reports
///         them, and getRoundData finds older rounds in the aggregator of their phase.
/// @dev Written to cost what Chainlink's proxy costs: latestRoundData reads one slot (the current phase id and
///      aggregator, packed) and calls the aggregator. The first phase id is a constructor argument (Chainlink
///      starts at 1) so a devnet replaying mainnet rounds can report mainnet's round ids.
contract DevFeedProxy {
    /// @notice The owner proposed a new aggregator; reads still go to the current one.
    event AggregatorProposed(address indexed current, address indexed proposed);
    /// @notice The owner confirmed the proposed aggregator; a new phase began.
    event AggregatorConfirmed(address indexed previous, address indexed latest);
    /// @notice The owner started a two-step ownership transfer.
    event OwnershipTransferRequested(address indexed from, address indexed to);
    /// @notice Ownership moved.
    event OwnershipTransferred(address indexed from, address indexed to);

    /// @notice Only the owner may call this.
    error NotOwner(address caller);
    /// @notice Only the proposed owner may accept ownership.
    error NotProposedOwner(address caller);
    /// @notice The aggregator is the zero address, or not the one proposed.
    error InvalidAggregator(address aggregator);
    /// @notice There is no proposed aggregator to read.
    error NoProposedAggregator();
    /// @notice No aggregator served this phase.
    error PhaseNotFound(uint16 phaseId);
    /// @notice The phase id would pass type(uint16).max.
    error PhaseOverflow();

    uint256 private constant PHASE_OFFSET = 64;

    /// @notice The owner, who may change the aggregator.
    address public owner;
    /// @notice The proposed owner of a two-step transfer.
    address public pendingOwner;
    /// @dev The one slot latestRoundData reads: the current phase id and its aggregator.
    uint16 private currentPhaseId;
    address private currentAggregator;
    /// @notice The aggregator proposed for the next phase, or address(0).
    address public proposedAggregator;
    /// @notice The aggregator that served each phase.
    mapping(uint16 phaseId => address aggregator) public phaseAggregators;

    /// @param aggregator_ The first aggregator.
    /// @param firstPhaseId The first phase's id (1 on Chainlink; e.g. mainnet's current phase for a replay).
    constructor(address aggregator_, uint16 firstPhaseId) {
        if (aggregator_ == address(0)) revert InvalidAggregator(aggregator_);
        if (firstPhaseId == 0) revert PhaseNotFound(0);
        owner = msg.sender;
        emit OwnershipTransferred(address(0), msg.sender);
        currentPhaseId = firstPhaseId;
        currentAggregator = aggregator_;
        phaseAggregators[firstPhaseId] = aggregator_;
    }

    // ------------------------------------------------------------------ AggregatorV3Interface

    /// @notice The current aggregator's newest round, with the phase in the round ids.
    function latestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint16 phase = currentPhaseId;
        (roundId, answer, startedAt, updatedAt, answeredInRound) =
            IDevFeedAggregator(currentAggregator).latestRoundData();
        return (_addPhase(phase, roundId), answer, startedAt, updatedAt, _addPhase(phase, answeredInRound));
    }

    /// @notice A round of any phase: the top 16 bits of `roundId` name the phase, the low 64 its round.
    function getRoundData(uint80 roundId)
        external
        view
        returns (uint80, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        uint16 phase = uint16(roundId >> PHASE_OFFSET);
        address aggregator_ = phaseAggregators[phase];
        if (aggregator_ == address(0)) revert PhaseNotFound(phase);
        uint80 aggregatorRound;
        (aggregatorRound, answer, startedAt, updatedAt, answeredInRound) =
            IDevFeedAggregator(aggregator_).getRoundData(uint64(roundId));
        return (_addPhase(phase, aggregatorRound), answer, startedAt, updatedAt, _addPhase(phase, answeredInRound));
    }

    /// @notice The current aggregator's answer decimals.
    function decimals() external view returns (uint8) {
        return IDevFeedAggregator(currentAggregator).decimals();
    }

    /// @notice The current aggregator's description.
    function description() external view returns (string memory) {
        return IDevFeedAggregator(currentAggregator).description();
    }

    /// @notice The current aggregator's version.
    function version() external view returns (uint256) {
        return IDevFeedAggregator(currentAggregator).version();
    }

    // ------------------------------------------------------------------ phases

    /// @notice The current phase id.
    function phaseId() external view returns (uint16) {
        return currentPhaseId;
    }

    /// @notice The current aggregator.
    function aggregator() external view returns (address) {
        return currentAggregator;
    }

    /// @notice The proposed aggregator's newest round (to check it before confirming), without phase bits.
    function proposedLatestRoundData()
        external
        view
        returns (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)
    {
        if (proposedAggregator == address(0)) revert NoProposedAggregator();
        return IDevFeedAggregator(proposedAggregator).latestRoundData();
    }

    /// @notice Proposes the next aggregator. Owner only.
    /// @param next The aggregator to move to.
    function proposeAggregator(address next) external {
        _onlyOwner();
        if (next == address(0)) revert InvalidAggregator(next);
        proposedAggregator = next;
        emit AggregatorProposed(currentAggregator, next);
    }

    /// @notice Moves reads to the proposed aggregator and starts a new phase. Owner only.
    /// @param next Must be the proposed aggregator.
    function confirmAggregator(address next) external {
        _onlyOwner();
        if (next == address(0) || next != proposedAggregator) revert InvalidAggregator(next);
        uint16 phase = currentPhaseId;
        if (phase == type(uint16).max) revert PhaseOverflow();
        unchecked {
            ++phase;
        }
        address previous = currentAggregator;
        delete proposedAggregator;
        currentPhaseId = phase;
        currentAggregator = next;
        phaseAggregators[phase] = next;
        emit AggregatorConfirmed(previous, next);
    }

    // ------------------------------------------------------------------ ownership

    /// @notice Starts a two-step ownership transfer. Owner only.
    function transferOwnership(address to) external {
        _onlyOwner();
        pendingOwner = to;
        emit OwnershipTransferRequested(msg.sender, to);
    }

    /// @notice Completes a two-step ownership transfer (called by the proposed owner).
    function acceptOwnership() external {
        if (msg.sender != pendingOwner) revert NotProposedOwner(msg.sender);
        emit OwnershipTransferred(owner, msg.sender);
        owner = msg.sender;
        delete pendingOwner;
    }

    function _onlyOwner() private view {
        if (msg.sender != owner) revert NotOwner(msg.sender);
    }

    /// @dev Chainlink's proxy keeps only the aggregator's low 64 bits and puts the phase above them.
    function _addPhase(uint16 phase, uint80 aggregatorRoundId) private pure returns (uint80) {
        return uint80((uint256(phase) << PHASE_OFFSET) | uint64(aggregatorRoundId));
    }
}
