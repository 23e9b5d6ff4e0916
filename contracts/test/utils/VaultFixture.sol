// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";
import {Assertions} from "./Assertions.sol";
import {TestToken, NoBoolToken} from "./TestTokens.sol";
import {TestAggregator} from "./TestAggregator.sol";
import {UniswapV3Artifacts, LiquidityProvider, IUniswapV3FactoryLike} from "./UniswapV3.sol";
import {MandateVault} from "../../src/MandateVault.sol";
import {IMandateVault} from "../../src/interfaces/IMandateVault.sol";
import {ISwapRouter} from "../../src/interfaces/ISwapRouter.sol";

/// @notice A funded vault on real Uniswap v3: USDC (6 decimals), WETH (18) and USDT-style (6, no bool), ETH at
///         $2,000, pools USDC/WETH 500 and 3000 and USDT/WETH 3000, feeds with 8 (ETH, USDC) and 18 (USDT)
///         decimals.
abstract contract VaultFixture is Assertions {
    address internal constant OWNER = address(0xA11CE);
    address internal constant GUARDIAN = address(0x6A4D);
    address internal constant AGENT = address(0xA6E7);
    address internal constant STRANGER = address(0xBAD);

    uint64 internal constant TIMELOCK = 2 days;
    uint32 internal constant ORACLE_AGE = 1 hours;
    uint256 internal constant START = 1_700_000_000;
    int256 internal constant ETH_USD_8 = 2_000e8;

    TestToken internal usdc;
    TestToken internal weth;
    NoBoolToken internal usdt;
    TestAggregator internal ethFeed;
    TestAggregator internal usdcFeed;
    TestAggregator internal usdtFeed;
    address internal factory;
    address internal router;
    LiquidityProvider internal lp;
    MandateVault internal vault;
    uint256 internal decisionNonce;

    function setUp() public virtual {
        vm.warp(START);
        usdc = new TestToken("USD Coin", "USDC", 6);
        weth = new TestToken("Wrapped Ether", "WETH", 18);
        usdt = new NoBoolToken(6);
        ethFeed = new TestAggregator(8, ETH_USD_8, START);
        usdcFeed = new TestAggregator(8, 1e8, START);
        usdtFeed = new TestAggregator(18, 1e18, START);

        factory = UniswapV3Artifacts.deployFactory();
        router = UniswapV3Artifacts.deploySwapRouter(factory, address(weth));
        lp = new LiquidityProvider();
        // ~ $20M full-range pools at $2,000 per ETH: raw USDC per raw WETH = 2000e6 / 1e18.
        lp.createFullRangePool(IUniswapV3FactoryLike(factory), address(weth), address(usdc), 500, 2000e6, 1e18, 4e17);
        lp.createFullRangePool(IUniswapV3FactoryLike(factory), address(weth), address(usdc), 3000, 2000e6, 1e18, 4e17);
        lp.createFullRangePool(IUniswapV3FactoryLike(factory), address(weth), address(usdt), 3000, 2000e6, 1e18, 4e17);

        vault = new MandateVault(defaultSetup());
        usdc.mint(address(vault), 1_000_000e6);
        weth.mint(address(vault), 500e18);
        usdt.mint(address(vault), 1_000_000e6);
    }

    function defaultPolicy() internal pure returns (IMandateVault.Policy memory) {
        return IMandateVault.Policy({
            perTradeCapUsd: 10_000e18,
            allowanceCapUsd: 50_000e18,
            refillAmountUsd: 10_000e18,
            refillInterval: 1 hours,
            maxSlippageBps: 100,
            cooldown: 60
        });
    }

    function defaultSetup() internal view returns (IMandateVault.VaultSetup memory setup) {
        IMandateVault.TokenSetup[] memory tokens = new IMandateVault.TokenSetup[](3);
        tokens[0] = IMandateVault.TokenSetup(address(usdc), address(usdcFeed), ORACLE_AGE);
        tokens[1] = IMandateVault.TokenSetup(address(weth), address(ethFeed), ORACLE_AGE);
        tokens[2] = IMandateVault.TokenSetup(address(usdt), address(usdtFeed), ORACLE_AGE);
        IMandateVault.PoolSetup[] memory pools = new IMandateVault.PoolSetup[](3);
        pools[0] = IMandateVault.PoolSetup(address(usdc), address(weth), 500);
        pools[1] = IMandateVault.PoolSetup(address(weth), address(usdc), 3000);
        pools[2] = IMandateVault.PoolSetup(address(usdt), address(weth), 3000);
        setup = IMandateVault.VaultSetup({
            router: router,
            owner: OWNER,
            guardian: GUARDIAN,
            agent: AGENT,
            timelockDelay: TIMELOCK,
            policy: defaultPolicy(),
            tokens: tokens,
            pools: pools,
            sequencerUptimeFeed: address(0),
            sequencerGracePeriod: 0
        });
    }

    /// @notice A fresh, valid intent: sell `amountIn` of tokenIn in the given pool, no caller-side minimum.
    function intent(address tokenIn, address tokenOut, uint24 fee, uint256 amountIn)
        internal
        returns (IMandateVault.TradeIntent memory)
    {
        decisionNonce += 1;
        return IMandateVault.TradeIntent({
            decisionId: keccak256(abi.encode("decision", decisionNonce)),
            strategyId: keccak256("trend"),
            reasoningHash: keccak256(abi.encode("reasoning", decisionNonce)),
            tokenIn: tokenIn,
            tokenOut: tokenOut,
            fee: fee,
            amountIn: amountIn,
            minAmountOut: 0,
            deadline: uint64(block.timestamp + 300)
        });
    }

    /// @notice Sell 1,000 USDC for WETH in the 0.05% pool: $1,000, well inside the default policy.
    function usdcToWeth() internal returns (IMandateVault.TradeIntent memory) {
        return intent(address(usdc), address(weth), 500, 1_000e6);
    }

    /// @notice Moves time and keeps every price feed fresh at its current answer.
    function warpAndRefresh(uint256 timestamp) internal {
        vm.warp(timestamp);
        (, int256 eth,,,) = ethFeed.latestRoundData();
        ethFeed.setRound(eth, timestamp);
        (, int256 usd,,,) = usdcFeed.latestRoundData();
        usdcFeed.setRound(usd, timestamp);
        (, int256 tether,,,) = usdtFeed.latestRoundData();
        usdtFeed.setRound(tether, timestamp);
    }

    /// @dev What the pool would pay for an exact-input swap now, measured by doing it and rolling back.
    function _quoteExactInput(address tokenIn, address tokenOut, uint24 fee, uint256 amountIn)
        internal
        returns (uint256 amountOut)
    {
        address quoter = address(0x0707E);
        uint256 snapshot = vm.snapshotState();
        TestToken(tokenIn).mint(quoter, amountIn);
        vm.startPrank(quoter);
        TestToken(tokenIn).approve(router, amountIn);
        amountOut = ISwapRouter(router).exactInputSingle(
            ISwapRouter.ExactInputSingleParams(tokenIn, tokenOut, fee, address(0x0707F), block.timestamp, amountIn, 0, 0)
        );
        vm.stopPrank();
        vm.revertToState(snapshot);
    }
}
