// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMandateVault} from "./interfaces/IMandateVault.sol";
import {IAggregatorV3} from "./interfaces/IAggregatorV3.sol";
import {ISwapRouter} from "./interfaces/ISwapRouter.sol";
import {IERC20Minimal} from "./interfaces/IERC20Minimal.sol";
import {FixedPointMath} from "./libraries/FixedPointMath.sol";
import {DecisionMerkle} from "./libraries/DecisionMerkle.sol";
import {SafeTokenCalls} from "./libraries/SafeTokenCalls.sol";

/// @title MandateVault: holds a treasury's funds and lets one agent trade them only within a policy.
/// @notice The rules, their order and their rounding are written out at the top of IMandateVault.sol.
/// @dev Deploy fully configured through the constructor (no post-deploy setup window). No callbacks, no
///      delegatecall; the only external contracts called are the immutable router, allow-listed tokens and
///      their configured feeds.
contract MandateVault is IMandateVault {
    using SafeTokenCalls for address;

    uint256 private constant BPS = 10_000;
    uint8 private constant MAX_DECIMALS = 36;
    /// @dev A cap, so a guardian raising the delay can never lock the owner out of changes for good.
    uint64 private constant MAX_TIMELOCK_DELAY = 30 days;

    ISwapRouter private immutable ROUTER;
    IAggregatorV3 private immutable SEQUENCER_UPTIME_FEED;
    uint32 private immutable SEQUENCER_GRACE_PERIOD;

    // Storage is packed so a trade touches three policy slots. Each line group below is one slot.
    // Slot: read on every agent call.
    address private _agent;
    uint96 private _refillAmountUsd;
    // Slot: read on every agent call; written by commitDecisions.
    uint96 private _perTradeCapUsd;
    uint96 private _allowanceCapUsd;
    bool private _paused;
    uint56 private _batchCount;
    // Slot: read and written on every trade.
    uint96 private _allowanceUsd;
    uint40 private _allowanceUpdatedAt;
    uint40 private _lastTradeAt;
    uint16 private _maxSlippageBps;
    uint32 private _cooldown;
    uint32 private _refillInterval;
    // Admin slots, never read by a trade.
    address private _owner;
    uint64 private _timelockDelay;
    address private _pendingOwner;
    address private _guardian;
    uint256 private _changeCount;

    mapping(address token => TokenConfig) private _tokens;
    mapping(bytes32 poolKey => bool) private _pools;
    mapping(bytes32 decisionId => bool) private _decisionExecuted;
    mapping(uint256 batch => bytes32) private _batchRoots;

    struct StoredChange {
        ChangeKind kind;
        uint64 eta;
        bytes data;
    }

    mapping(uint256 id => StoredChange) private _changes;
    uint256[] private _pendingIds;
    mapping(uint256 id => uint256 indexPlusOne) private _pendingIndex;

    /// @notice Deploys a fully configured vault; fund it afterwards by plain token transfers.
    /// @param setup Router, roles, timelock delay, policy, tokens, pools and the optional sequencer feed.
    constructor(VaultSetup memory setup) {
        if (setup.router == address(0)) revert ZeroAddress("router");
        if (setup.owner == address(0)) revert ZeroAddress("owner");
        ROUTER = ISwapRouter(setup.router);
        SEQUENCER_UPTIME_FEED = IAggregatorV3(setup.sequencerUptimeFeed);
        SEQUENCER_GRACE_PERIOD = setup.sequencerGracePeriod;

        _owner = setup.owner;
        emit OwnershipTransferred(address(0), setup.owner);
        _guardian = setup.guardian;
        emit GuardianChanged(address(0), setup.guardian);
        _agent = setup.agent;
        emit AgentChanged(address(0), setup.agent, msg.sender);
        _validateTimelockDelay(setup.timelockDelay);
        _timelockDelay = setup.timelockDelay;
        emit TimelockDelayChanged(0, setup.timelockDelay);

        _validatePolicy(setup.policy);
        _allowanceUsd = setup.policy.allowanceCapUsd;
        _allowanceUpdatedAt = uint40(block.timestamp);
        _writePolicy(setup.policy);

        for (uint256 i = 0; i < setup.tokens.length; ++i) {
            TokenSetup memory t = setup.tokens[i];
            _setToken(t.token, t.feed, t.maxOracleAge);
        }
        for (uint256 i = 0; i < setup.pools.length; ++i) {
            PoolSetup memory p = setup.pools[i];
            _allowPool(p.tokenA, p.tokenB, p.fee);
        }
    }

    // ================================================================== agent

    /// @inheritdoc IMandateVault
    function executeTrade(TradeIntent calldata intent) external returns (uint256 amountOut) {
        (uint256 valueUsd, uint256 minAmountOutUsed) = _checkAndCharge(intent);
        amountOut = _swap(intent, minAmountOutUsed);
        emit TradeExecuted(
            intent.decisionId,
            intent.strategyId,
            intent.reasoningHash,
            intent.tokenIn,
            intent.tokenOut,
            intent.fee,
            intent.amountIn,
            amountOut,
            minAmountOutUsed,
            valueUsd
        );
    }

    /// @inheritdoc IMandateVault
    function commitDecisions(bytes32 root, uint32 count) external {
        if (msg.sender != _agent) revert NotAgent(msg.sender);
        if (_paused) revert VaultPaused();
        if (count == 0) revert EmptyBatch();
        if (root == bytes32(0)) revert ZeroRoot();
        uint256 batch = _batchCount;
        bytes32 prevRoot = _batchRoots[batch];
        unchecked {
            ++batch;
        }
        // forge-lint: disable-next-line(unsafe-typecast) 2^56 batches cannot be reached.
        _batchCount = uint56(batch);
        _batchRoots[batch] = root;
        emit DecisionsCommitted(batch, root, count, prevRoot);
    }

    // ================================================================== owner or guardian

    /// @inheritdoc IMandateVault
    function pause() external {
        _onlyOwnerOrGuardian();
        _paused = true;
        emit Paused(msg.sender);
    }

    /// @inheritdoc IMandateVault
    function revokeAgent() external {
        _onlyOwnerOrGuardian();
        emit AgentChanged(_agent, address(0), msg.sender);
        _agent = address(0);
    }

    /// @inheritdoc IMandateVault
    function tightenPolicy(Policy calldata newPolicy) external {
        _onlyOwnerOrGuardian();
        _validatePolicy(newPolicy);
        Policy memory current = policy();
        _requireNotHigher("perTradeCapUsd", current.perTradeCapUsd, newPolicy.perTradeCapUsd);
        _requireNotHigher("allowanceCapUsd", current.allowanceCapUsd, newPolicy.allowanceCapUsd);
        _requireNotHigher("refillAmountUsd", current.refillAmountUsd, newPolicy.refillAmountUsd);
        _requireNotLower("refillInterval", current.refillInterval, newPolicy.refillInterval);
        _requireNotHigher("maxSlippageBps", current.maxSlippageBps, newPolicy.maxSlippageBps);
        _requireNotLower("cooldown", current.cooldown, newPolicy.cooldown);
        _applyPolicy(newPolicy);
    }

    /// @inheritdoc IMandateVault
    function removeToken(address token) external {
        _onlyOwnerOrGuardian();
        if (!_tokens[token].allowed) revert TokenNotConfigured(token);
        delete _tokens[token];
        emit TokenRemoved(token);
    }

    /// @inheritdoc IMandateVault
    function tightenOracleAge(address token, uint32 maxOracleAge) external {
        _onlyOwnerOrGuardian();
        TokenConfig storage config = _tokens[token];
        if (!config.allowed) revert TokenNotConfigured(token);
        if (maxOracleAge == 0) revert InvalidPolicyField("maxOracleAge", 0, 1);
        _requireNotHigher("maxOracleAge", config.maxOracleAge, maxOracleAge);
        config.maxOracleAge = maxOracleAge;
        emit TokenConfigured(token, config.feed, maxOracleAge, config.decimals);
    }

    /// @inheritdoc IMandateVault
    function removePool(address tokenA, address tokenB, uint24 fee) external {
        _onlyOwnerOrGuardian();
        (address token0, address token1) = _sort(tokenA, tokenB);
        delete _pools[_poolKey(token0, token1, fee)];
        emit PoolRemoved(token0, token1, fee);
    }

    /// @inheritdoc IMandateVault
    function increaseTimelockDelay(uint64 delay) external {
        _onlyOwnerOrGuardian();
        _validateTimelockDelay(delay);
        _requireNotLower("timelockDelay", _timelockDelay, delay);
        emit TimelockDelayChanged(_timelockDelay, delay);
        _timelockDelay = delay;
    }

    /// @inheritdoc IMandateVault
    function cancelChange(uint256 id) external {
        _onlyOwnerOrGuardian();
        _removePending(id);
        emit ChangeCancelled(id, msg.sender);
    }

    // ================================================================== owner

    /// @inheritdoc IMandateVault
    function queuePolicy(Policy calldata newPolicy) external returns (uint256 id) {
        _onlyOwner();
        _validatePolicy(newPolicy);
        return _queue(ChangeKind.SetPolicy, abi.encode(newPolicy));
    }

    /// @inheritdoc IMandateVault
    function queueToken(address token, address feed, uint32 maxOracleAge) external returns (uint256 id) {
        _onlyOwner();
        _validateToken(token, feed, maxOracleAge);
        return _queue(ChangeKind.SetToken, abi.encode(token, feed, maxOracleAge));
    }

    /// @inheritdoc IMandateVault
    function queuePool(address tokenA, address tokenB, uint24 fee) external returns (uint256 id) {
        _onlyOwner();
        if (tokenA == tokenB || fee == 0) revert InvalidPool(tokenA, tokenB, fee);
        return _queue(ChangeKind.AllowPool, abi.encode(tokenA, tokenB, fee));
    }

    /// @inheritdoc IMandateVault
    function queueTimelockDelay(uint64 delay) external returns (uint256 id) {
        _onlyOwner();
        _validateTimelockDelay(delay);
        return _queue(ChangeKind.SetTimelockDelay, abi.encode(delay));
    }

    /// @inheritdoc IMandateVault
    function applyChange(uint256 id) external {
        _onlyOwner();
        StoredChange memory change = _changes[id];
        if (_pendingIndex[id] == 0) revert ChangeNotPending(id);
        if (block.timestamp < change.eta) revert ChangeNotReady(id, change.eta, block.timestamp);
        _removePending(id);
        if (change.kind == ChangeKind.SetPolicy) {
            Policy memory newPolicy = abi.decode(change.data, (Policy));
            _validatePolicy(newPolicy);
            _applyPolicy(newPolicy);
        } else if (change.kind == ChangeKind.SetToken) {
            (address token, address feed, uint32 maxOracleAge) = abi.decode(change.data, (address, address, uint32));
            _setToken(token, feed, maxOracleAge);
        } else if (change.kind == ChangeKind.AllowPool) {
            (address tokenA, address tokenB, uint24 fee) = abi.decode(change.data, (address, address, uint24));
            _allowPool(tokenA, tokenB, fee);
        } else {
            uint64 delay = abi.decode(change.data, (uint64));
            emit TimelockDelayChanged(_timelockDelay, delay);
            _timelockDelay = delay;
        }
        emit ChangeApplied(id, change.kind);
    }

    /// @inheritdoc IMandateVault
    function unpause() external {
        _onlyOwner();
        _paused = false;
        emit Unpaused(msg.sender);
    }

    /// @inheritdoc IMandateVault
    function setAgent(address newAgent) external {
        _onlyOwner();
        if (newAgent == address(0)) revert ZeroAddress("agent");
        emit AgentChanged(_agent, newAgent, msg.sender);
        _agent = newAgent;
    }

    /// @inheritdoc IMandateVault
    function setGuardian(address newGuardian) external {
        _onlyOwner();
        emit GuardianChanged(_guardian, newGuardian);
        _guardian = newGuardian;
    }

    /// @inheritdoc IMandateVault
    function withdraw(address token, uint256 amount) external {
        _onlyOwner();
        token.safeTransfer(msg.sender, amount);
        emit Withdrawn(token, msg.sender, amount);
    }

    /// @inheritdoc IMandateVault
    function transferOwnership(address newOwner) external {
        _onlyOwner();
        _pendingOwner = newOwner;
        emit OwnershipTransferStarted(msg.sender, newOwner);
    }

    /// @inheritdoc IMandateVault
    function acceptOwnership() external {
        if (msg.sender != _pendingOwner || msg.sender == address(0)) revert NotPendingOwner(msg.sender);
        emit OwnershipTransferred(_owner, msg.sender);
        _owner = msg.sender;
        _pendingOwner = address(0);
    }

    // ================================================================== views

    /// @inheritdoc IMandateVault
    function router() external view returns (address) {
        return address(ROUTER);
    }

    /// @inheritdoc IMandateVault
    function owner() external view returns (address) {
        return _owner;
    }

    /// @inheritdoc IMandateVault
    function pendingOwner() external view returns (address) {
        return _pendingOwner;
    }

    /// @inheritdoc IMandateVault
    function guardian() external view returns (address) {
        return _guardian;
    }

    /// @inheritdoc IMandateVault
    function agent() external view returns (address) {
        return _agent;
    }

    /// @inheritdoc IMandateVault
    function paused() external view returns (bool) {
        return _paused;
    }

    /// @inheritdoc IMandateVault
    function timelockDelay() external view returns (uint64) {
        return _timelockDelay;
    }

    /// @inheritdoc IMandateVault
    function policy() public view returns (Policy memory) {
        return Policy({
            perTradeCapUsd: _perTradeCapUsd,
            allowanceCapUsd: _allowanceCapUsd,
            refillAmountUsd: _refillAmountUsd,
            refillInterval: _refillInterval,
            maxSlippageBps: _maxSlippageBps,
            cooldown: _cooldown
        });
    }

    /// @inheritdoc IMandateVault
    function allowanceState() external view returns (uint96 allowanceUsd, uint40 allowanceUpdatedAt) {
        return (_allowanceUsd, _allowanceUpdatedAt);
    }

    /// @inheritdoc IMandateVault
    function accruedAllowance() external view returns (uint256 allowance) {
        (allowance,) = _accrue();
    }

    /// @inheritdoc IMandateVault
    function lastTradeAt() external view returns (uint40) {
        return _lastTradeAt;
    }

    /// @inheritdoc IMandateVault
    function tokenConfig(address token) external view returns (TokenConfig memory) {
        return _tokens[token];
    }

    /// @inheritdoc IMandateVault
    function poolAllowed(address tokenA, address tokenB, uint24 fee) external view returns (bool) {
        (address token0, address token1) = _sort(tokenA, tokenB);
        return _pools[_poolKey(token0, token1, fee)];
    }

    /// @inheritdoc IMandateVault
    function decisionExecuted(bytes32 decisionId) external view returns (bool) {
        return _decisionExecuted[decisionId];
    }

    /// @inheritdoc IMandateVault
    function pendingChangeIds() external view returns (uint256[] memory) {
        return _pendingIds;
    }

    /// @inheritdoc IMandateVault
    function pendingChange(uint256 id) external view returns (ChangeKind kind, bytes memory data, uint64 eta) {
        if (_pendingIndex[id] == 0) revert ChangeNotPending(id);
        StoredChange storage change = _changes[id];
        return (change.kind, change.data, change.eta);
    }

    /// @inheritdoc IMandateVault
    function changeCount() external view returns (uint256) {
        return _changeCount;
    }

    /// @inheritdoc IMandateVault
    function sequencerUptimeFeed() external view returns (address) {
        return address(SEQUENCER_UPTIME_FEED);
    }

    /// @inheritdoc IMandateVault
    function sequencerGracePeriod() external view returns (uint32) {
        return SEQUENCER_GRACE_PERIOD;
    }

    /// @inheritdoc IMandateVault
    function batchCount() external view returns (uint256) {
        return _batchCount;
    }

    /// @inheritdoc IMandateVault
    function batchRoot(uint256 batch) external view returns (bytes32) {
        return _batchRoots[batch];
    }

    /// @inheritdoc IMandateVault
    function verifyDecision(uint256 batch, bytes32 decisionId, bytes32 decisionHash, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        bytes32 root = _batchRoots[batch];
        if (root == bytes32(0)) return false;
        return DecisionMerkle.processProof(proof, DecisionMerkle.leaf(decisionId, decisionHash)) == root;
    }

    /// @inheritdoc IMandateVault
    function quoteTrade(address tokenIn, address tokenOut, uint256 amountIn)
        external
        view
        returns (uint256 valueUsd, uint256 oracleOut, uint256 oracleFloor)
    {
        TokenConfig memory configIn = _tokens[tokenIn];
        if (!configIn.allowed) revert TokenNotAllowed(tokenIn);
        TokenConfig memory configOut = _tokens[tokenOut];
        if (!configOut.allowed) revert TokenNotAllowed(tokenOut);
        return _price(configIn, configOut, amountIn);
    }

    // ================================================================== trade internals

    /// @dev Runs checks 1-12 of IMandateVault.sol in order, then charges the allowance and marks the decision,
    ///      all before any external call that could move funds.
    function _checkAndCharge(TradeIntent calldata intent) private returns (uint256 valueUsd, uint256 minAmountOutUsed) {
        if (msg.sender != _agent) revert NotAgent(msg.sender);
        if (_paused) revert VaultPaused();
        if (block.timestamp > intent.deadline) revert DeadlineExpired(intent.deadline, block.timestamp);
        if (_decisionExecuted[intent.decisionId]) revert DecisionAlreadyExecuted(intent.decisionId);
        TokenConfig memory configIn = _tokens[intent.tokenIn];
        if (!configIn.allowed) revert TokenNotAllowed(intent.tokenIn);
        TokenConfig memory configOut = _tokens[intent.tokenOut];
        if (!configOut.allowed) revert TokenNotAllowed(intent.tokenOut);
        {
            (address token0, address token1) = _sort(intent.tokenIn, intent.tokenOut);
            if (!_pools[_poolKey(token0, token1, intent.fee)]) {
                revert PoolNotAllowed(intent.tokenIn, intent.tokenOut, intent.fee);
            }
        }
        if (intent.amountIn == 0) revert ZeroAmountIn();
        if (address(SEQUENCER_UPTIME_FEED) != address(0)) _checkSequencer();
        uint256 oracleFloor;
        (valueUsd,, oracleFloor) = _price(configIn, configOut, intent.amountIn);
        if (valueUsd > _perTradeCapUsd) revert TradeValueExceedsCap(valueUsd, _perTradeCapUsd);
        (uint256 allowance, uint256 anchor) = _accrue();
        if (valueUsd > allowance) revert TradeValueExceedsAllowance(valueUsd, allowance);
        uint256 last = _lastTradeAt;
        if (last != 0 && block.timestamp < last + _cooldown) revert CooldownActive(last, last + _cooldown);

        _decisionExecuted[intent.decisionId] = true;
        unchecked {
            // valueUsd <= allowance <= allowanceCap < 2^96, so this neither underflows nor truncates.
            // forge-lint: disable-next-line(unsafe-typecast)
            _allowanceUsd = uint96(allowance - valueUsd);
        }
        // forge-lint: disable-next-line(unsafe-typecast) anchor <= block.timestamp < 2^40.
        _allowanceUpdatedAt = uint40(anchor);
        _lastTradeAt = uint40(block.timestamp);

        minAmountOutUsed = intent.minAmountOut > oracleFloor ? intent.minAmountOut : oracleFloor;
    }

    /// @dev Oracle rule (check 9) for both tokens, then the value and floor formulas of IMandateVault.sol.
    function _price(TokenConfig memory configIn, TokenConfig memory configOut, uint256 amountIn)
        private
        view
        returns (uint256 valueUsd, uint256 oracleOut, uint256 oracleFloor)
    {
        uint256 priceIn = _readPrice18(configIn);
        uint256 priceOut = _readPrice18(configOut);
        valueUsd = FixedPointMath.mulDiv(amountIn, priceIn, 10 ** configIn.decimals);
        oracleOut = FixedPointMath.mulDiv(valueUsd, 10 ** configOut.decimals, priceOut);
        oracleFloor = FixedPointMath.mulDiv(oracleOut, BPS - _maxSlippageBps, BPS);
    }

    /// @dev Exact approval, swap to the vault, approval back to 0, then trust only the measured balances.
    function _swap(TradeIntent calldata intent, uint256 minAmountOutUsed) private returns (uint256 amountOut) {
        address tokenIn = intent.tokenIn;
        address tokenOut = intent.tokenOut;
        uint256 inBefore = IERC20Minimal(tokenIn).balanceOf(address(this));
        uint256 outBefore = IERC20Minimal(tokenOut).balanceOf(address(this));
        tokenIn.safeApprove(address(ROUTER), intent.amountIn);
        ROUTER.exactInputSingle(
            ISwapRouter.ExactInputSingleParams({
                tokenIn: tokenIn,
                tokenOut: tokenOut,
                fee: intent.fee,
                recipient: address(this),
                deadline: intent.deadline,
                amountIn: intent.amountIn,
                amountOutMinimum: minAmountOutUsed,
                sqrtPriceLimitX96: 0
            })
        );
        // The router pulls exactly amountIn, so the approval is normally 0 already; reading it is cheaper than
        // writing it, and a token that left a residue still gets reset.
        if (IERC20Minimal(tokenIn).allowance(address(this), address(ROUTER)) != 0) {
            tokenIn.safeApprove(address(ROUTER), 0);
        }
        uint256 spent = inBefore - IERC20Minimal(tokenIn).balanceOf(address(this));
        if (spent != intent.amountIn) revert UnexpectedAmountSpent(spent, intent.amountIn);
        amountOut = IERC20Minimal(tokenOut).balanceOf(address(this)) - outBefore;
        if (amountOut < minAmountOutUsed) revert InsufficientOutput(amountOut, minAmountOutUsed);
    }

    /// @dev Sequencer-uptime rule (check 8): up, and up for longer than the grace period.
    function _checkSequencer() private view {
        (, int256 answer, uint256 startedAt,,) = SEQUENCER_UPTIME_FEED.latestRoundData();
        if (answer != 0 || startedAt == 0 || startedAt > block.timestamp) revert SequencerDown(answer, startedAt);
        if (block.timestamp - startedAt <= SEQUENCER_GRACE_PERIOD) {
            revert SequencerGracePeriodActive(startedAt, startedAt + SEQUENCER_GRACE_PERIOD);
        }
    }

    /// @dev Oracle rule (check 9): the feed's answer as a USD price with 18 decimals.
    function _readPrice18(TokenConfig memory config) private view returns (uint256 price18) {
        IAggregatorV3 feed = IAggregatorV3(config.feed);
        (, int256 answer,, uint256 updatedAt,) = feed.latestRoundData();
        if (answer <= 0 || answer > type(int192).max) revert OracleAnswerInvalid(address(feed), answer);
        if (updatedAt == 0 || updatedAt > block.timestamp) {
            revert OracleTimestampInvalid(address(feed), updatedAt, block.timestamp);
        }
        if (block.timestamp - updatedAt > config.maxOracleAge) {
            revert OracleStale(address(feed), updatedAt, config.maxOracleAge, block.timestamp);
        }
        uint8 feedDecimals = feed.decimals();
        if (feedDecimals > MAX_DECIMALS) revert OracleDecimalsUnsupported(address(feed), feedDecimals);
        // answer < 2^191 and 10^18 < 2^60, so the product cannot overflow.
        // forge-lint: disable-next-line(unsafe-typecast) answer > 0 was checked above.
        uint256 positive = uint256(answer);
        price18 = feedDecimals <= 18 ? positive * 10 ** (18 - feedDecimals) : positive / 10 ** (feedDecimals - 18);
        if (price18 == 0) revert OracleAnswerInvalid(address(feed), answer);
    }

    /// @dev Step refill (see IMandateVault.sol): whole intervals since the anchor, capped.
    function _accrue() private view returns (uint256 allowance, uint256 anchor) {
        anchor = _allowanceUpdatedAt;
        uint256 interval = _refillInterval;
        uint256 steps = (block.timestamp - anchor) / interval;
        anchor += steps * interval;
        allowance = _allowanceUsd + steps * _refillAmountUsd;
        uint256 cap = _allowanceCapUsd;
        if (allowance > cap) allowance = cap;
    }

    // ================================================================== admin internals

    function _onlyOwner() private view {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
    }

    function _onlyOwnerOrGuardian() private view {
        if (msg.sender != _owner && msg.sender != _guardian) revert NotOwnerOrGuardian(msg.sender);
    }

    function _validatePolicy(Policy memory p) private pure {
        if (p.refillInterval == 0) revert InvalidPolicyField("refillInterval", 0, 1);
        if (p.maxSlippageBps > BPS) revert InvalidPolicyField("maxSlippageBps", p.maxSlippageBps, BPS);
    }

    function _validateTimelockDelay(uint64 delay) private pure {
        if (delay > MAX_TIMELOCK_DELAY) revert InvalidPolicyField("timelockDelay", delay, MAX_TIMELOCK_DELAY);
    }

    /// @dev Settles the refill under the old policy first, so a change never re-prices time already passed.
    function _applyPolicy(Policy memory p) private {
        (uint256 allowance, uint256 anchor) = _accrue();
        if (allowance > p.allowanceCapUsd) allowance = p.allowanceCapUsd;
        // forge-lint: disable-next-line(unsafe-typecast) allowance <= p.allowanceCapUsd, a uint96.
        _allowanceUsd = uint96(allowance);
        // forge-lint: disable-next-line(unsafe-typecast) anchor <= block.timestamp < 2^40.
        _allowanceUpdatedAt = uint40(anchor);
        _writePolicy(p);
    }

    function _writePolicy(Policy memory p) private {
        _perTradeCapUsd = p.perTradeCapUsd;
        _allowanceCapUsd = p.allowanceCapUsd;
        _refillAmountUsd = p.refillAmountUsd;
        _refillInterval = p.refillInterval;
        _maxSlippageBps = p.maxSlippageBps;
        _cooldown = p.cooldown;
        emit PolicyUpdated(p);
    }

    function _validateToken(address token, address feed, uint32 maxOracleAge) private view returns (uint8 decimals) {
        if (token == address(0)) revert ZeroAddress("token");
        if (feed == address(0)) revert ZeroAddress("feed");
        if (maxOracleAge == 0) revert InvalidPolicyField("maxOracleAge", 0, 1);
        decimals = IERC20Minimal(token).decimals();
        if (decimals > MAX_DECIMALS) revert UnsupportedTokenDecimals(token, decimals);
    }

    function _setToken(address token, address feed, uint32 maxOracleAge) private {
        uint8 decimals = _validateToken(token, feed, maxOracleAge);
        _tokens[token] = TokenConfig({feed: feed, maxOracleAge: maxOracleAge, decimals: decimals, allowed: true});
        emit TokenConfigured(token, feed, maxOracleAge, decimals);
    }

    function _allowPool(address tokenA, address tokenB, uint24 fee) private {
        if (tokenA == tokenB || fee == 0) revert InvalidPool(tokenA, tokenB, fee);
        (address token0, address token1) = _sort(tokenA, tokenB);
        _pools[_poolKey(token0, token1, fee)] = true;
        emit PoolAllowed(token0, token1, fee);
    }

    function _queue(ChangeKind kind, bytes memory data) private returns (uint256 id) {
        id = ++_changeCount;
        uint64 eta = uint64(block.timestamp) + _timelockDelay;
        _changes[id] = StoredChange({kind: kind, eta: eta, data: data});
        _pendingIds.push(id);
        _pendingIndex[id] = _pendingIds.length;
        emit ChangeQueued(id, kind, data, eta);
    }

    function _removePending(uint256 id) private {
        uint256 indexPlusOne = _pendingIndex[id];
        if (indexPlusOne == 0) revert ChangeNotPending(id);
        uint256 lastId = _pendingIds[_pendingIds.length - 1];
        _pendingIds[indexPlusOne - 1] = lastId;
        _pendingIndex[lastId] = indexPlusOne;
        _pendingIds.pop();
        delete _pendingIndex[id];
        delete _changes[id];
    }

    function _requireNotHigher(string memory field, uint256 current, uint256 proposed) private pure {
        if (proposed > current) revert NotTightening(field, current, proposed);
    }

    function _requireNotLower(string memory field, uint256 current, uint256 proposed) private pure {
        if (proposed < current) revert NotTightening(field, current, proposed);
    }

    function _sort(address a, address b) private pure returns (address, address) {
        return a < b ? (a, b) : (b, a);
    }

    function _poolKey(address token0, address token1, uint24 fee) private pure returns (bytes32 key) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, token0)
            mstore(add(ptr, 0x20), token1)
            mstore(add(ptr, 0x40), fee)
            key := keccak256(ptr, 0x60)
        }
    }
}
