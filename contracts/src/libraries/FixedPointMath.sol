// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Full-precision floor(x * y / d), so trade values never overflow before the division.
/// @notice Written from the textbook 512-bit method (split the product into two words, divide exactly
///         using the modular inverse of the odd part of d).
library FixedPointMath {
    /// @notice The result does not fit 256 bits, or the denominator is zero.
    error MulDivOverflow(uint256 x, uint256 y, uint256 denominator);

    /// @notice floor(x * y / denominator) with a 512-bit intermediate product.
    function mulDiv(uint256 x, uint256 y, uint256 denominator) internal pure returns (uint256 result) {
        unchecked {
            uint256 low = x * y;
            uint256 high;
            assembly ("memory-safe") {
                let mm := mulmod(x, y, not(0))
                high := sub(sub(mm, low), lt(mm, low))
            }
            if (high == 0) {
                if (denominator == 0) revert MulDivOverflow(x, y, denominator);
                return low / denominator;
            }
            if (denominator <= high) revert MulDivOverflow(x, y, denominator);

            // Make the 512-bit product divisible by denominator by removing the remainder.
            uint256 remainder = mulmod(x, y, denominator);
            assembly ("memory-safe") {
                high := sub(high, gt(remainder, low))
                low := sub(low, remainder)
            }
            // Divide out the largest power of two dividing denominator, shifting bits of `high` into `low`.
            uint256 twos = denominator & (0 - denominator);
            assembly ("memory-safe") {
                denominator := div(denominator, twos)
                low := div(low, twos)
                twos := add(div(sub(0, twos), twos), 1)
            }
            low |= high * twos;
            // denominator is now odd: Newton's iteration gives its inverse mod 2^256 (each step doubles the bits).
            uint256 inverse = (3 * denominator) ^ 2;
            inverse *= 2 - denominator * inverse; // 8 bits
            inverse *= 2 - denominator * inverse; // 16
            inverse *= 2 - denominator * inverse; // 32
            inverse *= 2 - denominator * inverse; // 64
            inverse *= 2 - denominator * inverse; // 128
            inverse *= 2 - denominator * inverse; // 256
            result = low * inverse;
        }
    }
}
