// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm} from "./Vm.sol";

/// @notice The factory and pool functions the tests call on the real Uniswap v3 contracts.
interface IUniswapV3FactoryLike {
    function createPool(address tokenA, address tokenB, uint24 fee) external returns (address pool);
    function getPool(address tokenA, address tokenB, uint24 fee) external view returns (address pool);
}

interface IUniswapV3PoolLike {
    function initialize(uint160 sqrtPriceX96) external;
    function mint(address recipient, int24 tickLower, int24 tickUpper, uint128 amount, bytes calldata data)
        external
        returns (uint256 amount0, uint256 amount1);
    function slot0()
        external
        view
        returns (uint160 sqrtPriceX96, int24 tick, uint16, uint16, uint16, uint8, bool);
    function token0() external view returns (address);
    function token1() external view returns (address);
}

interface IMintable {
    function mint(address to, uint256 amount) external;
}

/// @notice Deploys the real Uniswap v3 factory and SwapRouter from the npm artifacts (the bytecode that runs on
///         mainnet), never a fake router.
library UniswapV3Artifacts {
    string internal constant FACTORY =
        "../node_modules/@uniswap/v3-core/artifacts/contracts/UniswapV3Factory.sol/UniswapV3Factory.json";
    string internal constant SWAP_ROUTER =
        "../node_modules/@uniswap/v3-periphery/artifacts/contracts/SwapRouter.sol/SwapRouter.json";

    function deployFactory() internal returns (address) {
        return _create(vm.parseJsonBytes(vm.readFile(FACTORY), ".bytecode"));
    }

    /// @dev weth9 is only used by the router for native-ETH paths, which the vault never takes.
    function deploySwapRouter(address factory, address weth9) internal returns (address) {
        bytes memory code = vm.parseJsonBytes(vm.readFile(SWAP_ROUTER), ".bytecode");
        return _create(bytes.concat(code, abi.encode(factory, weth9)));
    }

    function _create(bytes memory initCode) private returns (address deployed) {
        assembly ("memory-safe") {
            deployed := create(0, add(initCode, 0x20), mload(initCode))
        }
        require(deployed != address(0), "deploy failed");
    }
}

/// @notice Adds liquidity straight through pool.mint and pays in its callback by minting test tokens.
/// @dev Test-only: trusts any caller of the callback. The vault itself implements no callbacks.
contract LiquidityProvider {
    function uniswapV3MintCallback(uint256 amount0Owed, uint256 amount1Owed, bytes calldata) external {
        IUniswapV3PoolLike pool = IUniswapV3PoolLike(msg.sender);
        if (amount0Owed > 0) IMintable(pool.token0()).mint(msg.sender, amount0Owed);
        if (amount1Owed > 0) IMintable(pool.token1()).mint(msg.sender, amount1Owed);
    }

    /// @notice Creates, initialises and fills a full-range pool at `price` = raw token1 per raw token0 as num/den.
    function createFullRangePool(
        IUniswapV3FactoryLike factory,
        address tokenA,
        address tokenB,
        uint24 fee,
        uint256 rawBPerRawA_num,
        uint256 rawBPerRawA_den,
        uint128 liquidity
    ) external returns (address pool) {
        pool = factory.createPool(tokenA, tokenB, fee);
        (uint256 num, uint256 den) = tokenA < tokenB ? (rawBPerRawA_num, rawBPerRawA_den) : (rawBPerRawA_den, rawBPerRawA_num);
        IUniswapV3PoolLike(pool).initialize(sqrtPriceX96(num, den));
        int24 spacing = fee == 500 ? int24(10) : fee == 3000 ? int24(60) : int24(200);
        int24 maxTick = (887272 / spacing) * spacing;
        IUniswapV3PoolLike(pool).mint(address(this), -maxTick, maxTick, liquidity, "");
    }

    /// @notice sqrt(num / den) as a Q64.96, for raw token1 per raw token0 = num / den.
    function sqrtPriceX96(uint256 num, uint256 den) public pure returns (uint160) {
        return uint160(sqrt((num << 192) / den));
    }

    function sqrt(uint256 x) public pure returns (uint256 y) {
        if (x == 0) return 0;
        uint256 z = x / 2 + 1;
        y = x;
        while (z < y) {
            y = z;
            z = (x / z + z) / 2;
        }
    }
}
