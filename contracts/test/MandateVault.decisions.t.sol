// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {vm, Vm} from "./utils/Vm.sol";
import {VaultFixture} from "./utils/VaultFixture.sol";
import {IMandateVault} from "../src/interfaces/IMandateVault.sol";
import {DecisionMerkle} from "../src/libraries/DecisionMerkle.sol";

/// @notice commitDecisions and verifyDecision, against a tree built by @openzeppelin/merkle-tree in JavaScript.
contract MandateVaultDecisionsTest is VaultFixture {
    // StandardMerkleTree.of([[keccak256("decision i"), keccak256("hash i")] for i in 1..5], ['bytes32','bytes32']),
    // computed with @openzeppelin/merkle-tree 1.0.8; proofs for the values at index 2 and 4.
    bytes32 internal constant JS_ROOT = 0x8699de5bc554835b10b1f852b517b929d2cde58398cc6d29c6c8396d28b01dee;

    function _jsProofOf3() internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](3);
        proof[0] = 0x6f6fb2939b60f8a2297592c66b99eb02c8e18d0e55b82d0ada6d04a7a7731090;
        proof[1] = 0xdffe8961f7ebcec2f28c308dd939a735005172e24e65ca255e9a46c3bee4da19;
        proof[2] = 0xfc3c560f19a03ff66a47dddd2cf34c263fa3ddd03b18812a378efd732579a42f;
    }

    function _jsProofOf5() internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](3);
        proof[0] = 0x3f2b15b8edfa54e3611c960f08e6799c351e9f96a58f5e2ccbf976ea20eea8e8;
        proof[1] = 0xdffe8961f7ebcec2f28c308dd939a735005172e24e65ca255e9a46c3bee4da19;
        proof[2] = 0xfc3c560f19a03ff66a47dddd2cf34c263fa3ddd03b18812a378efd732579a42f;
    }

    function test_commitDecisions_chainsBatchesFromOne() public {
        assertEq(vault.batchCount(), 0, "no batch yet");
        vm.expectEmit(true, false, false, true, address(vault));
        emit IMandateVault.DecisionsCommitted(1, keccak256("a"), 3, bytes32(0));
        vm.prank(AGENT);
        vault.commitDecisions(keccak256("a"), 3);
        vm.expectEmit(true, false, false, true, address(vault));
        emit IMandateVault.DecisionsCommitted(2, keccak256("b"), 64, keccak256("a"));
        vm.prank(AGENT);
        vault.commitDecisions(keccak256("b"), 64);
        assertEq(vault.batchCount(), 2, "two batches");
        assertEq(vault.batchRoot(0), bytes32(0), "batch 0 is the empty prevRoot");
        assertEq(vault.batchRoot(1), keccak256("a"), "batch 1");
        assertEq(vault.batchRoot(2), keccak256("b"), "batch 2");
    }

    function test_verifyDecision_acceptsOpenZeppelinJsProofs() public {
        assertEq(keccak256(bytes("decision 3")), 0x0a67598bd34e923e93e41282f291e62506403bff059b660189c0162a0154295b, "id 3");
        vm.prank(AGENT);
        vault.commitDecisions(JS_ROOT, 5);
        assertTrue(
            vault.verifyDecision(1, keccak256(bytes("decision 3")), keccak256(bytes("hash 3")), _jsProofOf3()), "leaf 3"
        );
        assertTrue(
            vault.verifyDecision(1, keccak256(bytes("decision 5")), keccak256(bytes("hash 5")), _jsProofOf5()), "leaf 5"
        );
    }

    function test_verifyDecision_rejectsWrongHashBatchOrProof() public {
        vm.prank(AGENT);
        vault.commitDecisions(JS_ROOT, 5);
        bytes32 id = keccak256(bytes("decision 3"));
        bytes32 hash = keccak256(bytes("hash 3"));
        assertTrue(!vault.verifyDecision(1, id, keccak256(bytes("hash 4")), _jsProofOf3()), "wrong hash");
        assertTrue(!vault.verifyDecision(2, id, hash, _jsProofOf3()), "unknown batch");
        assertTrue(!vault.verifyDecision(0, id, hash, _jsProofOf3()), "batch 0");
        assertTrue(!vault.verifyDecision(1, id, hash, _jsProofOf5()), "other leaf's proof");
        // A single-leaf tree's root is the leaf itself, with an empty proof.
        vm.prank(AGENT);
        vault.commitDecisions(DecisionMerkle.leaf(id, hash), 1);
        assertTrue(vault.verifyDecision(2, id, hash, new bytes32[](0)), "single leaf");
    }

    function test_commitDecisions_notAgent() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.NotAgent.selector, OWNER));
        vm.prank(OWNER);
        vault.commitDecisions(JS_ROOT, 5);
    }

    function test_commitDecisions_paused() public {
        vm.prank(GUARDIAN);
        vault.pause();
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.VaultPaused.selector));
        vm.prank(AGENT);
        vault.commitDecisions(JS_ROOT, 5);
    }

    function test_commitDecisions_emptyBatch() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.EmptyBatch.selector));
        vm.prank(AGENT);
        vault.commitDecisions(JS_ROOT, 0);
    }

    function test_commitDecisions_zeroRoot() public {
        vm.expectRevert(abi.encodeWithSelector(IMandateVault.ZeroRoot.selector));
        vm.prank(AGENT);
        vault.commitDecisions(bytes32(0), 5);
    }
}
