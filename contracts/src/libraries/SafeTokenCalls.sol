// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IMandateVault} from "../interfaces/IMandateVault.sol";

/// @title transfer/approve that accept tokens returning no bool (USDT-style) and reject false or no code.
/// @dev Reverts with IMandateVault.TokenCallFailed, so the vault's ABI lists the error once.
library SafeTokenCalls {
    /// @notice token.transfer(to, amount), tolerating a missing return value.
    function safeTransfer(address token, address to, uint256 amount) internal {
        _call(token, 0xa9059cbb, to, amount);
    }

    /// @notice token.approve(spender, amount), tolerating a missing return value.
    function safeApprove(address token, address spender, uint256 amount) internal {
        _call(token, 0x095ea7b3, spender, amount);
    }

    function _call(address token, bytes4 selector, address target, uint256 amount) private {
        bool ok;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, selector)
            mstore(add(ptr, 0x04), target)
            mstore(add(ptr, 0x24), amount)
            ok := call(gas(), token, 0, ptr, 0x44, 0x00, 0x20)
            // Accept: returned true (first word == 1), or returned nothing from an account with code.
            ok := and(ok, or(and(eq(mload(0x00), 1), gt(returndatasize(), 31)), and(iszero(returndatasize()), gt(extcodesize(token), 0))))
        }
        if (!ok) revert IMandateVault.TokenCallFailed(token, selector);
    }
}
