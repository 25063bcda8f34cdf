"""Magnitude pruning (lp-run --prune): masks set by magnitude on the
schedule, against numpy; masked weights read as zero and get no gradient;
the cubic schedule's sparsities; errors."""

from __future__ import annotations

import numpy as np
import pytest

from lp_testing import run_lp
from test_qat_pass import MLP, data

F32 = np.float32


def run(tmp_path, prune, steps, extra=()):
    rng = np.random.default_rng(7)
    x, y, params = data(rng)
    (tmp_path / "mlp.mlir").write_text(MLP)
    np.savez(tmp_path / "data.npz", x=x, y=y)
    np.savez(tmp_path / "init.npz", **params)
    args = [tmp_path / "mlp.mlir", "--train", f"--data={tmp_path / 'data.npz'}",
            f"--params={tmp_path / 'init.npz'}", f"--steps={steps}", "--no-shuffle", "--lr=0.5",
            "--momentum=0", *extra]
    if prune:
        args.append(f"--prune={prune}")
    return run_lp(args)


def expected_mask(w, mask, sparsity):
    """The k = floor(s * n) smallest |w * mask| masked (ties by position)."""
    mag = np.abs(w * mask).reshape(-1)
    k = int(np.floor(sparsity * mag.size))
    order = np.lexsort((np.arange(mag.size), mag))
    m = np.ones(mag.size, F32)
    m[order[:k]] = 0
    return m.reshape(w.shape)


def test_one_shot_masks_by_magnitude(tmp_path):
    """Pruned before step 2: the masks zero the smallest half of each
    weight as it was after 2 steps; afterwards the masked entries no
    longer change (their gradient is zero, SGD without momentum), the
    others do."""
    proc = run(tmp_path, "", 2, [f"--checkpoint={tmp_path / 'ck2.npz'}"])
    assert proc.returncode == 0, proc.stderr
    before = dict(np.load(tmp_path / "ck2.npz"))
    proc = run(tmp_path, "sparsity=0.5,begin=2", 6, [f"--checkpoint={tmp_path / 'ck6.npz'}"])
    assert proc.returncode == 0, proc.stderr
    assert "prune=sparsity=0.5,begin=2" in proc.stdout
    after = dict(np.load(tmp_path / "ck6.npz"))
    for w in ("fc1.w", "fc2.w"):
        mask = after[f"{w}.prune.mask"]
        want = expected_mask(before[w], np.ones_like(before[w]), 0.5)
        assert np.array_equal(mask, want), w
        assert f"pruned: {w} {100 * (mask == 0).mean():.2f} %" in proc.stdout, proc.stdout
        assert np.array_equal(after[w][mask == 0], before[w][mask == 0]), "masked weights moved"
        assert not np.array_equal(after[w][mask == 1], before[w][mask == 1])
    assert "fc1.b.prune.mask" not in after, "biases are not pruned"


def test_gradual_schedule(tmp_path):
    """begin=0, end=4, every=2, sparsity 0.5: masks set before steps 0, 2
    and 4 to 0, 0.5 * (1 - 0.5^3) = 0.4375 and 0.5 of each weight."""
    proc = run(tmp_path, "sparsity=0.5,begin=0,end=4,every=2", 6,
               ["--checkpoint-every=1", f"--checkpoint={tmp_path / 'ck{step}.npz'}"])
    assert proc.returncode == 0, proc.stderr
    for step, sparsity in ((1, 0.0), (2, 0.0), (3, 0.4375), (4, 0.4375), (5, 0.5), (6, 0.5)):
        ck = dict(np.load(tmp_path / f"ck{step}.npz"))
        for w in ("fc1.w", "fc2.w"):
            n = ck[w].size
            assert int((ck[f"{w}.prune.mask"] == 0).sum()) == int(np.floor(sparsity * n)), (step, w)
    # Masked entries stay masked as the schedule grows.
    m3, m6 = (dict(np.load(tmp_path / f"ck{s}.npz"))["fc1.w.prune.mask"] for s in (3, 6))
    assert np.all(m6[m3 == 0] == 0)


@pytest.mark.parametrize("prune,message", [
    ("sparsity=1.5", "--prune: sparsity must be in (0, 1), got 1.5"),
    ("sparsity=0.5,begin=5,end=2", "--prune: needs 0 <= begin <= end and every >= 1"),
    ("sparsity=0.5,rate=3", "--prune: unknown key 'rate'"),
    ("sparsity=half", "--prune: expected key=number"),
    ("sparsity=0.5,params=conv*", "lp-prune: no parameter of rank 2 or more matches 'conv*' in @mlp"),
])
def test_bad_prune_options(tmp_path, prune, message):
    proc = run(tmp_path, prune, 2)
    assert proc.returncode == 1, proc
    assert message in proc.stderr, proc.stderr
