"""C. elegans part of models/functional_connectome (quick size): graph-tool's weighted
nested SBM (hebb.analysis.detect_communities) on the 279-neuron connectome
(../shared/data/celegans_connectome_interactome; chemical synapses in both directions +
gap junctions). The blocks are compared with labels taken from the neuron names only
(left/right homologues, ventral-cord motor classes and their numbers) and with the
inhibitory mask. Every figure is asserted against an oracle computed in the same run:
degree-preserving rewirings of the graph (each refitted), label permutations on the
observed partition, or degree-matched stand-ins for the homologues."""
import pytest
from reproduce_loader import load_system


@pytest.fixture(scope="module")
def cel(tmp_path_factory):
    """One quick C. elegans run shared by the tests below."""
    mod = load_system("functional_connectome")
    if not mod.CELEGANS.is_dir():
        pytest.skip(f"{mod.CELEGANS} not found")
    out = tmp_path_factory.mktemp("fc_celegans")
    return mod.celegans(out, quick=True), out


def test_labels_and_partition(cel):
    res, _ = cel
    # the name labels: 92 L/R pairs, 74 motor neurons (DA 9, DB 7, DD 6, VA 12, VB 11,
    # VD 13, AS 11, VC 5) as documented in the data README's neuron list
    assert res["n_pairs"] == 92 and res["n_motor"] == 74
    # more than one block, and fewer than one per homologue pair
    assert 2 <= res["obs"]["blocks"] < res["n_pairs"]


def test_homologues_share_blocks_beyond_degree(cel):
    res, _ = cel
    obs = res["obs"]
    # homologues share a block more often than degree-matched stand-ins (99th percentile
    # of 1000 draws of one stand-in per homologue, same partition)
    assert obs["homologues"] > res["perm_q99"]["homologues"]
    # ...and the excess over the stand-ins beats every rewired graph (same degrees, so
    # degree similarity alone gives no excess there)
    assert obs["excess"] > max(r["excess"] for r in res["null"])


@pytest.mark.parametrize("key", ["nmi_motor", "eta2_position", "nmi_inhibitory"])
def test_blocks_follow_name_labels(cel, key):
    res, _ = cel
    obs = res["obs"][key]
    # above the 99th percentile of label permutations on the observed partition
    assert obs > res["perm_q99"][key]
    # above every degree-preserving rewiring of the graph, each refitted the same way
    assert obs > max(r[key] for r in res["null"])


def test_real_graph_compresses_better_than_rewired(cel):
    res, _ = cel
    # description length: the real graph's partition is shorter than any rewired graph's
    # (same nodes, edges, degrees and weights)
    assert res["dl"] < min(r["dl"] for r in res["null"])


def test_celegans_checks_and_plot(cel):
    res, out = cel
    assert res["ok"]
    assert (out / "functional_connectome_celegans.png").stat().st_size > 10_000
