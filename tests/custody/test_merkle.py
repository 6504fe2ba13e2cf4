"""The Merkle tree reproduces RFC 6962's published test vectors, and its proofs hold for any
tree (hypothesis). The vectors are the 8-leaf tree of the Certificate Transparency test
suites (certificate-transparency-go, transparency-dev/merkle proof/verify_test.go)."""

from hypothesis import given
from hypothesis import strategies as st

from kawal.custody import merkle

LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]  # fmt: skip
ROOTS = [bytes.fromhex(h) for h in (
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)]  # fmt: skip
# (leaf index, tree size, proof)
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
# (first size, second size, proof)
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
HASHES = [merkle.leaf_hash(d) for d in LEAVES]


def test_the_tree_heads_of_every_size_are_the_published_roots():
    assert merkle.root([]).hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert [merkle.root(HASHES[:n]) for n in range(1, 9)] == ROOTS


def test_inclusion_proofs_are_the_published_ones_and_check():
    for index, size, proof in INCLUSION:
        expected = [bytes.fromhex(h) for h in proof]
        assert merkle.inclusion_proof(index, HASHES[:size]) == expected
        assert merkle.verify_inclusion(HASHES[index], index, size, expected, ROOTS[size - 1])


def test_consistency_proofs_are_the_published_ones_and_check():
    for first, second, proof in CONSISTENCY:
        expected = [bytes.fromhex(h) for h in proof]
        assert merkle.consistency_proof(first, HASHES[:second]) == expected
        assert merkle.verify_consistency(
            first, second, ROOTS[first - 1], ROOTS[second - 1], expected
        )


def test_a_proof_with_any_bit_flipped_fails():
    index, size, proof = INCLUSION[1]
    first, second, cproof = CONSISTENCY[1]
    for i in range(len(proof)):
        bad = [bytes.fromhex(h) for h in proof]
        bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
        assert not merkle.verify_inclusion(HASHES[index], index, size, bad, ROOTS[size - 1])
        cbad = [bytes.fromhex(h) for h in cproof]
        cbad[i] = bytes([cbad[i][0] ^ 16]) + cbad[i][1:]
        assert not merkle.verify_consistency(first, second, ROOTS[5], ROOTS[7], cbad)


def test_trivial_consistency_needs_an_empty_proof_and_equal_heads():
    assert merkle.verify_consistency(0, 5, b"any", ROOTS[4], [])
    assert merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[2], [])
    assert not merkle.verify_consistency(3, 3, ROOTS[2], ROOTS[3], [])
    assert not merkle.verify_consistency(3, 2, ROOTS[2], ROOTS[1], [])
    assert not merkle.verify_consistency(2, 5, ROOTS[1], ROOTS[4], [])


def test_a_frontier_extended_in_steps_gives_the_same_head_as_the_whole_tree():
    frontier, size = merkle.extend([], 0, HASHES[:3])
    frontier, size = merkle.extend(frontier, size, HASHES[3:])
    assert size == 8
    assert merkle.frontier_root(frontier) == ROOTS[7]


trees = st.lists(st.binary(max_size=8), min_size=1, max_size=70).map(
    lambda data: [merkle.leaf_hash(d) for d in data]
)


@given(leaves=trees, data=st.data())
def test_any_inclusion_proof_checks_and_fails_for_any_other_leaf(leaves, data):
    index = data.draw(st.integers(0, len(leaves) - 1))
    head = merkle.root(leaves)
    proof = merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(leaves[index], index, len(leaves), proof, head)
    altered = merkle.leaf_hash(b"altered" + leaves[index])
    assert not merkle.verify_inclusion(altered, index, len(leaves), proof, head)
    altered_tree = [*leaves[:index], altered, *leaves[index + 1 :]]
    assert merkle.root(altered_tree) != head


@given(leaves=trees, data=st.data())
def test_any_consistency_proof_checks_and_fails_once_an_old_leaf_is_altered(leaves, data):
    first = data.draw(st.integers(1, len(leaves)))
    head, old_head = merkle.root(leaves), merkle.root(leaves[:first])
    proof = merkle.consistency_proof(first, leaves)
    assert merkle.verify_consistency(first, len(leaves), old_head, head, proof)
    changed = data.draw(st.integers(0, first - 1))
    rewritten = [
        *leaves[:changed],
        merkle.leaf_hash(b"x" + leaves[changed]),
        *leaves[changed + 1 :],
    ]
    new_head = merkle.root(rewritten)
    new_proof = merkle.consistency_proof(first, rewritten)
    assert not merkle.verify_consistency(first, len(leaves), old_head, new_head, new_proof)
