"""Trainer: same seed same weights, bit-identical resume, NaN stop, bad checkpoints
and data files."""
import gzip
import os

import pytest
import torch
from torch import nn

import hebb.learn as hl


class SpikingNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = hl.LIF(64, 32, tau_mem=10.0, surrogate="arctan", slope=2.0)
        self.drop = nn.Dropout(0.2)  # uses torch's RNG: resume must restore it
        self.out = hl.Readout(32, 10, tau_mem=10.0)

    def forward(self, x):  # x: [B, 64] intensities -> 20 steps of constant current
        xt = x.unsqueeze(0).expand(20, -1, -1)
        return self.out(self.drop(self.l1(xt))).sum(0)


def _trainer(seed, out_dir=None, epochs=3, model=None):
    torch.manual_seed(seed)
    X, y = hl.load_digits()
    X, y = X[:300], y[:300]
    net = model or SpikingNet()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    return hl.Trainer(net, opt, (X, y), test_data=(X[:100], y[:100]), epochs=epochs,
                      batch_size=50, seed=seed, out_dir=out_dir, progress=False)


def _weights(m):
    return torch.cat([p.detach().flatten() for p in m.state_dict().values()])


def test_same_seed_bit_identical_and_other_seed_differs():
    torch.set_num_threads(1)
    a, b, c = _trainer(1), _trainer(1), _trainer(2)
    for t in (a, b, c):
        t.fit()
    assert torch.equal(_weights(a.model), _weights(b.model))
    assert not torch.equal(_weights(a.model), _weights(c.model))
    assert a.history["loss"][-1] < a.history["loss"][0]  # it learns


def test_resume_continues_bit_identically(tmp_path):
    torch.set_num_threads(1)
    full = _trainer(3, tmp_path / "full")
    full.fit()
    part = _trainer(3, tmp_path / "part")
    part.fit(stop_after=1)
    # a fresh process would start from scratch: new model object, other RNG state
    torch.manual_seed(999)
    resumed = _trainer(3, tmp_path / "part")
    torch.manual_seed(12345)
    resumed.fit(resume=True)
    assert resumed.history == full.history
    assert torch.equal(_weights(resumed.model), _weights(full.model))
    assert os.path.exists(tmp_path / "full" / "training_curves.png")


def test_nan_loss_stops_with_epoch_and_batch_and_keeps_checkpoint(tmp_path):
    t = _trainer(4, tmp_path)
    t.fit(stop_after=1)
    good = (tmp_path / "checkpoint.pt").read_bytes()
    calls = []

    def loss_fn(out, y):  # the third batch of epoch 1 diverges
        calls.append(1)
        loss = nn.functional.cross_entropy(out, y)
        return loss * float("inf") if len(calls) == 3 else loss

    t.loss_fn = loss_fn
    with pytest.raises(hl.TrainingDiverged, match=r"loss became (inf|nan) at epoch 1, batch 2") as e:
        t.fit()
    assert (e.value.epoch, e.value.batch) == (1, 2)
    assert (tmp_path / "checkpoint.pt").read_bytes() == good
    assert "checkpoint.pt is intact" in str(e.value)


def test_checkpoint_from_another_model_and_bad_files(tmp_path):
    t = _trainer(5, tmp_path)
    t.fit(stop_after=1)
    other = nn.Sequential(nn.Linear(64, 10))
    t2 = _trainer(5, tmp_path, model=other)
    with pytest.raises(ValueError, match="is from another model"):
        t2.fit(resume=True)
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(ValueError, match="is not a hebb checkpoint"):
        t.load(tmp_path / "junk.pt")
    with pytest.raises(ValueError, match="does not exist"):
        t.load(tmp_path / "missing.pt")


def test_data_loaders_and_their_errors(tmp_path):
    X, y = hl.load_fashion_mnist("test", limit=100)
    assert X.shape == (100, 784) and y.shape == (100,) and 0 <= float(X.min()) and float(X.max()) <= 1
    with pytest.raises(ValueError, match="is missing"):
        hl.load_fashion_mnist(directory=str(tmp_path))
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        with gzip.open(tmp_path / name, "wb") as f:
            f.write(b"\x00\x00\x08\x01garbage")
    with pytest.raises(ValueError, match="not an IDX file with magic 0x803"):
        hl.load_fashion_mnist(directory=str(tmp_path))
    X, y, D = hl.polychronous_patterns(3, 5, 60, max_delay=10, n_samples=30, seed=1)
    assert torch.equal(X.sum(1), torch.ones(30, 5))  # one spike per channel: rates matched
    first = X.argmax(1)
    rel = first - first.min(1, keepdim=True).values
    assert torch.equal(rel, D[y] - D[y].min(1, keepdim=True).values)
    with pytest.raises(ValueError, match="period = 0"):
        hl.label_permutation_stream([0, 1], 10, 0)


def test_delayed_recall_and_adding_generators():
    X, y = hl.delayed_recall(20, 50, n_cues=3, seed=1)
    assert X.shape == (20, 50, 4)
    assert torch.equal(X[:, :5, :3].sum(1).argmax(1), y)  # the cue channel is on for 5 steps
    assert bool((X[:, -10:, 3] == 1).all())
    X2, _ = hl.delayed_recall(20, 50, n_cues=3, seed=1)
    assert torch.equal(X, X2)
    Xa, ya = hl.adding_task(30, 10, seed=0)
    marked = (Xa[..., 0] * Xa[..., 1]).sum(1)
    assert torch.allclose(marked, ya)
