// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Inclusion proofs for decision batches, in @openzeppelin/merkle-tree's StandardMerkleTree format.
/// @notice Leaf = keccak256(bytes.concat(keccak256(abi.encode(decisionId, decisionHash)))); inner nodes hash
///         the sorted pair. The double hash keeps a 64-byte leaf preimage from posing as an inner node.
library DecisionMerkle {
    /// @notice The StandardMerkleTree leaf for values ['bytes32','bytes32'] = [decisionId, decisionHash].
    function leaf(bytes32 decisionId, bytes32 decisionHash) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(decisionId, decisionHash))));
    }

    /// @notice Walks `proof` from `node` up to a root, hashing each pair in sorted order.
    function processProof(bytes32[] calldata proof, bytes32 node) internal pure returns (bytes32) {
        for (uint256 i = 0; i < proof.length; ++i) {
            node = hashPair(node, proof[i]);
        }
        return node;
    }

    /// @notice keccak256 of the two nodes, smaller first.
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32 hashed) {
        (bytes32 first, bytes32 second) = a < b ? (a, b) : (b, a);
        assembly ("memory-safe") {
            mstore(0x00, first)
            mstore(0x20, second)
            hashed := keccak256(0x00, 0x40)
        }
    }
}
