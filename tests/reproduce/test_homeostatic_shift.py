"""Quick version of models/homeostatic_shift (SYSTEMS.md 15): 3000 items (full size:
10 000), the same 5 seeds 0-4 and the same learners.

test_homeostatic_regulation_quick asserts acceptance check 3 (the rate inside its
viable band >= 95% of the items, in every run) and what else holds at both sizes: the
homeostatic learner beats the random regulator (the paper's baseline) by >= 2 pp and is
within 1 pp of the best constant rate chosen in hindsight (grid of ten rates per
decade), at every S.
test_paper_comparison_quick: against the paper's constant learner (the constant rate at
the shared start eta0), the gain is > 1 pp at S = 50 and shrinks monotonically with S
(the paper's ordering; measured +3.0 / +1.5 / -0.1 pp here, +2.5 / +1.6 / +0.3 at full size).
test_homeostatic_rate_follows_the_shift_rate: the rate settles higher under fast shift
than under slow shift. Acceptance checks 1 and 2 (>= best constant at S = 50, advantage
shrinking monotonically with S) are measured in test_homeostatic_shift_acceptance_quick,
an expected failure (README has the tables). The remaining tests check the study
scripts' pieces against second computations: headroom.py's learners and schedule shapes,
reproduce.perm_stream and reproduce.load_task (README item 6), mlp_fashion.py's
gradients against torch autograd, and the authors' rule (PaperLR)."""

import numpy as np
import pytest
from reproduce_loader import load_system


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    out = tmp_path_factory.mktemp("homeostatic_shift")
    return load_system("homeostatic_shift").run(quick=True, out=str(out)), out


def test_homeostatic_regulation_quick(quick):
    r, out = quick
    name, value, op, thr = r["checks"][3]
    assert value >= thr, f"{name}: {value} (required >= {thr})"
    m = r["acc"].mean(1)  # [period, learner]; the last two are random, homeostatic
    assert np.all(m[:, -1] > m[:, -2] + 0.02), m[:, -2:]
    assert np.all(np.abs(r["adv"]) < 0.01), r["adv"]
    assert (out / "homeostatic_shift.png").exists()


def test_paper_comparison_quick(quick):
    r, _ = quick
    a0 = 100 * r["adv_eta0"]  # homeostatic - constant at eta0 [pp], per S = 50, 200, 1000
    assert a0[0] > 1.0 and a0[0] > a0[1] > a0[2], a0


def test_homeostatic_rate_follows_the_shift_rate(load):
    mod = load("homeostatic_shift")
    import hebb.learn as hl
    X, y = hl.load_digits()
    X = X.numpy().astype(np.float64)
    X = (X - X.mean(0)) / (X.std(0) + 1e-6)
    X = np.hstack([X, np.ones((len(X), 1))])
    fast = mod.online(X, y.numpy(), 50, 3000, 0)[1]
    slow = mod.online(X, y.numpy(), 1000, 3000, 0)[1]
    assert np.median(fast) > 1.3 * np.median(slow), (np.median(fast), np.median(slow))


@pytest.mark.xfail(strict=False, reason="measured on seeds 0-4: the homeostatic learner is within "
                   "0.7 pp of the best constant rate in hindsight but not above it at S = 50, and its "
                   "advantage does not shrink monotonically with S (quick: -0.09 / +0.25 / -0.29 pp at "
                   "S = 50 / 200 / 1000; full: -0.64 / +0.03 / +0.02 pp); an oracle timed to the swaps "
                   "gains at most +0.2-0.3 pp at every S (headroom.py); README has the tables")
def test_homeostatic_shift_acceptance_quick(quick):
    r, _ = quick
    for name, value, op, thr in r["checks"]:
        assert (value >= thr if op == ">=" else value > thr), f"{name}: {value} (required {op} {thr})"


def _model_script(name):
    import importlib.util
    import pathlib
    path = pathlib.Path(__file__).resolve().parents[2] / "models" / "homeostatic_shift" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"homeostatic_shift_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_headroom_constant_schedule_matches_reproduce(load):
    """headroom.py's learners are a second implementation of reproduce.py's constant
    learners: with every schedule constant at a grid rate, the accuracies must agree."""
    mod, head = load("homeostatic_shift"), _model_script("headroom")
    import hebb.learn as hl
    X, y = hl.load_digits()
    X = X.numpy().astype(np.float64)
    X = np.hstack([(X - X.mean(0)) / (X.std(0) + 1e-6), np.ones((len(X), 1))])
    y = y.numpy()
    ref = mod.online(X, y, 50, 1000, 3)[0][:len(mod.GRID)]
    got = head.accuracies(X, y, 50, 1000, 3, lambda since: np.array(mod.GRID))
    np.testing.assert_allclose(got, ref, atol=1e-12)


def test_mlp_fashion_gradients_and_rate_steps():
    """mlp_fashion.py (the paper's MLP): its hand-written gradients equal torch autograd's,
    and the homeostatic rate moves only in the rule's steps (paper: eta0 +- k eta0/10;
    hebb: eta0 rho^k)."""
    import torch
    mlp = _model_script("mlp_fashion")
    rng = np.random.default_rng(5)
    P = mlp.init(rng)
    x = rng.random((10, 784)).astype(np.float32)
    t = rng.integers(0, 10, 10)
    G, _ = mlp.gradients(P, x, t)
    tp = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in P]
    a = torch.tensor(x, dtype=torch.float64)
    for k in range(3):
        a = a @ tp[2 * k] + tp[2 * k + 1]
        if k < 2:
            a = torch.nn.functional.elu(a)
    torch.nn.functional.cross_entropy(a, torch.tensor(t)).backward()
    for g, p in zip(G, tp):
        np.testing.assert_allclose(g, p.grad.numpy(), rtol=2e-3, atol=1e-5)
    import hebb.learn as hl
    X, y = hl.load_fashion_mnist("train", limit=3000)
    X, y = X.numpy(), y.numpy()
    for rule in ("paper", "hebb"):
        acc, trace = mlp.online(X, y, 50, 400, 11, rule, 0.1)
        assert acc.shape == (len(mlp.GRID) + 2,) and np.all((acc >= 0) & (acc <= 1))
        k = (trace - 0.1) / 0.01 if rule == "paper" else np.log(trace / 0.1) / np.log(1.1)
        np.testing.assert_allclose(k, np.round(k), atol=1e-6)


def test_paper_rule_regulator(load):
    """reproduce.PaperLR (--rule paper), the authors' regulator: additive step eta0/10,
    decision on the predicted class's effect, the true class's effect lands, clip 1e-8."""
    reg = load("homeostatic_shift").PaperLR(eta0=0.3, first_excitatory=5, band_lo=0.05, band_hi=3.0)
    assert reg.proposal(7) == pytest.approx(0.33) and reg.proposal(2) == pytest.approx(0.27)
    seen = []
    assert not reg.offer(7, 7, lambda lr: seen.append(lr) or (1.0 if lr < 0.3 else 0.0))
    assert seen == [pytest.approx(0.33), pytest.approx(0.3)] and reg.lr == 0.3
    assert reg.offer(7, 2, lambda lr: lr)  # predicted excitatory, truly inhibitory
    assert reg.lr == pytest.approx(0.27)
    for _ in range(20):
        reg.offer(1, 1, lambda lr: -lr)  # lower always scores better
    assert reg.lr == 1e-8  # 0.27 - 9 x 0.03 < 0, clipped
    assert reg.viable_fraction == pytest.approx(9 / 22)  # 0.3, 0.27, ..., 0.06 >= 0.05


def test_perm_stream_relabels_by_a_fresh_permutation_each_period(load):
    """reproduce.perm_stream (--shift perm in headroom.py): within each period of S items
    the labels are one bijection of the true classes; the maps of successive periods are
    drawn afresh (not all equal), and the first period is the identity."""
    mod = load("homeostatic_shift")
    y = np.random.default_rng(1).integers(0, 10, 500)
    idx, lab = mod.perm_stream(y, 2000, 50, np.random.default_rng(2))
    maps = []
    for b in range(0, 2000, 50):
        t, l = y[idx[b:b + 50]], lab[b:b + 50]
        m = {}
        for a, c in zip(t, l):
            assert m.setdefault(a, c) == c  # one label per class within the period
        assert len(set(m.values())) == len(m)  # injective
        maps.append(tuple(sorted(m.items())))
    assert all(a == c for a, c in maps[0])
    assert len(set(maps)) > 30  # 40 periods, fresh random maps


def test_headroom_schedule_shapes():
    """headroom.py's oracle schedules: twolevel is hi for since < k batches, lo after;
    decay starts at hi and falls by e every tau batches down to the floor lo."""
    head = _model_script("headroom")
    rates = head.rate_grid(0.2, 3.0)
    assert len(rates) == 10 and rates[0] == 0.2 and rates[-1] == 3.0
    for shape in ("twolevel", "decay"):
        sched, f = head.schedules(rates, shape)
        assert len(sched) == 45 * 7 and all(h > lo for h, lo, _ in sched)
        hi, lo, p = (np.array([s[i] for s in sched]) for i in range(3))
        np.testing.assert_allclose(f(0), hi)
        for s in (0.5, 3, 40):
            want = np.where(s < p, hi, lo) if shape == "twolevel" else np.maximum(lo, hi * np.exp(-s / p))
            np.testing.assert_allclose(f(s), want)
        assert np.all(f(1e4) == lo)
    with pytest.raises(ValueError, match="unknown shape"):
        head.schedules(rates, "ramp")


def test_load_task(load):
    """reproduce.load_task: digits standardised per pixel, Fashion-MNIST centred per
    pixel and scaled by one global standard deviation, both with a bias input."""
    mod = load("homeostatic_shift")
    import hebb.learn as hl
    X, y = mod.load_task("digits")
    D, t = hl.load_digits()
    D = D.numpy().astype(np.float64)
    np.testing.assert_array_equal(X, np.hstack([(D - D.mean(0)) / (D.std(0) + 1e-6), np.ones((len(D), 1))]))
    np.testing.assert_array_equal(y, t.numpy())
    X, y = mod.load_task("fashion")
    assert X.shape == (60000, 785) and y.shape == (60000,) and set(np.unique(y)) == set(range(10))
    assert np.all(X[:, -1] == 1)
    np.testing.assert_allclose(X[:, :-1].mean(0), 0, atol=1e-9)
    assert X[:, :-1].std() == pytest.approx(1, rel=1e-9)
    with pytest.raises(ValueError, match="unknown task"):
        mod.load_task("mnist")
