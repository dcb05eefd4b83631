"""Quick reproduction of the hippocampal spiking CAM (SYSTEMS.md section 7).

Oracles: a dictionary memory run through the same operation script (expected outputs
and, as binary matrices, the expected weights), and the paper's latencies for recall by
cue (cue at +5 steps, content at +6)."""

import numpy as np
from reproduce_loader import load_system

m = load_system("hippocampal_cam")


def test_quick_reproduction_passes_every_check(tmp_path):
    assert m.main(["--quick", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "hippocampal_cam.png").stat().st_size > 10_000


def test_functional_script_exact_outputs_latencies_and_weights():
    ops = m.functional_script()
    got, starts, recs, W1, W2 = m.run_script(5, 10, ops)
    ok, exp = m.score(ops, got)
    assert ok.all(), [(op, g) for op, g, k in zip(ops, got, ok) if not k]
    # the paper's recall-by-cue latencies, read from the spikes themselves
    for op, g, e, t in zip(ops, got, exp, starts):
        if op[0] == "recall_cue":
            assert g["cue"] == {5: {op[1]}}
            if e["content"]:
                assert g["content"] == {6: e["content"]}
    # forgetting: after re-learning cue 0 with [7, 8], its old bits return no cue
    k = ops.index(("recall_content", [0, 1]))
    assert got[k]["cue"] == {}
    assert m.weight_error(ops, 5, 10, W1, W2) <= 1e-3


def test_stress_all_cues_random_overlapping_contents():
    n_cue, n_cont, k = 12, 24, 6
    ops = m.stress_script(n_cue, n_cont, k, n_queries=30, seed=3)
    got, _, _, W1, W2 = m.run_script(n_cue, n_cont, ops)
    ok, exp = m.score(ops, got)
    assert ok.all()
    # the contents overlap (non-orthogonal): queries return several cues on average
    assert np.mean([len(e["cue"]) for o, e in zip(ops, exp) if o[0] == "recall_content"]) > 1.5
    assert m.weight_error(ops, n_cue, n_cont, W1, W2) <= 1e-3


def test_without_burst_depression_forgetting_fails(monkeypatch):
    """The check can fail: with stdp_overwrite's heterosynaptic terms off, re-learning a
    cue adds to its old content instead of replacing it."""
    rule = m._rule
    monkeypatch.setattr(m, "_rule", lambda **kw: rule(**{**kw, "a_pre_hetero": 0.0, "a_post_hetero": 0.0}))
    ops = m.functional_script()
    got, *_ = m.run_script(5, 10, ops)
    ok, _ = m.score(ops, got)
    k = ops.index(("learn", 0, [7, 8])) + 1
    assert ops[k] == ("recall_cue", 0)
    assert not ok[k]
    assert got[k]["content"][6] >= {0, 1, 2, 9}   # the old content is still recalled


def test_two_threads_give_identical_spikes_and_weights():
    ops = m.stress_script(8, 16, 4, n_queries=10, seed=5)
    a = m.run_script(8, 16, ops, threads=1)
    b = m.run_script(8, 16, ops, threads=2)
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[3], b[3])
    np.testing.assert_array_equal(a[4], b[4])
    # and a different script gives different outputs, so the comparison is not empty
    c = m.run_script(8, 16, m.stress_script(8, 16, 4, n_queries=10, seed=6))
    assert c[0] != a[0]
