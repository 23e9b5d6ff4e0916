// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title The ERC-20 reads the vault relies on.
/// @dev `transfer` and `approve` are called through SafeTokenCalls, because USDT-style tokens return no bool.
interface IERC20Minimal {
    /// @notice The token's balance of `account`.
    function balanceOf(address account) external view returns (uint256);

    /// @notice The router's remaining allowance from `owner` (the invariant suite checks it is 0).
    function allowance(address owner, address spender) external view returns (uint256);

    /// @notice The token's decimals, read once when the token is configured.
    function decimals() external view returns (uint8);
}
