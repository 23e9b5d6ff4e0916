// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The one function of Uniswap v3's SwapRouter (v3-periphery) the vault calls.
interface ISwapRouter {
    /// @notice Same layout as `ISwapRouter.ExactInputSingleParams` in @uniswap/v3-periphery.
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
    }

    /// @notice Swaps exactly `amountIn` of `tokenIn` for as much `tokenOut` as possible in one pool.
    /// @dev Pulls `tokenIn` from the caller with transferFrom; reverts with "Too little received" below
    ///      `amountOutMinimum`.
    function exactInputSingle(ExactInputSingleParams calldata params) external payable returns (uint256 amountOut);
}
