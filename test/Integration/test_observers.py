"""Observers and quantization parameters (lp.aminmax, lp.observe,
lp.quant_params, lp.select), run through lp-run, against independent numpy
re-implementations of PyTorch's observers, bit for bit.

The references follow torch/ao/quantization/observer.py in float32:
MinMaxObserver (running min/max), MovingAverageMinMaxObserver (the first
batch as is, then min + c * (cur - min)), their per-channel variants, and
_calculate_qparams (range widened to include 0, symmetric scale
amax / ((qmax - qmin) / 2), affine scale (max - min) / (qmax - qmin), both
floored at 2^-23, affine zero point qmin - round(min / scale) clamped,
PyTorch's unsigned symmetric zero points). They are checked against torch's
observers themselves when torch is installed. LP's observer state starts
at the empty range [1, -1] where PyTorch's starts at [+inf, -inf]; both
mean "nothing seen", and both give scale 1 and zero point 0.
"""

from __future__ import annotations

import numpy as np
import pytest

from lp_testing import Model

F32 = np.float32
EPS = F32(2.0**-23)


def ref_aminmax(x, axis=None):
    x = np.asarray(x, F32)
    if axis is None:
        return np.min(x).astype(F32), np.max(x).astype(F32)
    other = tuple(d for d in range(x.ndim) if d != axis)
    return np.min(x, axis=other).astype(F32), np.max(x, axis=other).astype(F32)


def ref_observe(cur_min, cur_max, mn, mx, c=None):
    """The next (min, max) of an observer whose state is (mn, mx)."""
    cur_min, cur_max, mn, mx = (np.asarray(v, F32) for v in (cur_min, cur_max, mn, mx))
    empty = mn > mx
    if c is None:
        nmin, nmax = np.minimum(cur_min, mn), np.maximum(cur_max, mx)
    else:
        c = F32(c)
        nmin = (mn + c * (cur_min - mn)).astype(F32)
        nmax = (mx + c * (cur_max - mx)).astype(F32)
    return np.where(empty, cur_min, nmin).astype(F32), np.where(empty, cur_max, nmax).astype(F32)


def ref_qparams(mn, mx, qmin, qmax, symmetric):
    """PyTorch's _calculate_qparams, in float32."""
    mn, mx = np.asarray(mn, F32), np.asarray(mx, F32)
    empty = mn > mx
    lo, hi = np.minimum(mn, F32(0)), np.maximum(mx, F32(0))
    if symmetric:
        amax = np.maximum(-lo, hi)
        scale = np.maximum((amax / F32((qmax - qmin) / 2)).astype(F32), EPS)
        if qmin >= 0:
            z = 128 if (qmin, qmax) == (0, 255) else (qmin + qmax) // 2
        else:
            z = 0
        zp = np.full(scale.shape, z, F32)
    else:
        scale = np.maximum(((hi - lo) / F32(qmax - qmin)).astype(F32), EPS)
        zp = np.clip(qmin - np.round((lo / scale).astype(F32)), qmin, qmax).astype(F32)
    return np.where(empty, F32(1), scale).astype(F32), np.where(empty, F32(0), zp).astype(F32)


CASES = [  # name, shape, axis, averaging constant, state, qmin, qmax, symmetric
    ("moving_empty", (6, 9), None, 0.01, "empty", -128, 127, True),
    ("moving_per_channel", (5, 7), 1, 0.01, "seen", -128, 127, True),
    ("moving_affine_int4", (4, 10), None, 0.25, "seen", -8, 7, False),
    ("minmax_per_channel", (3, 4, 5), 0, None, "seen", -128, 127, False),
    ("minmax_empty_uint8", (8, 8), None, None, "empty", 0, 255, True),
    ("uint4_symmetric", (4, 6), 1, None, "seen", 0, 15, True),
    ("affine_uint8", (7, 5), None, 0.5, "seen", 0, 255, False),
    ("positive_only", (6, 6), None, None, "empty", -128, 127, False),
    ("all_zero", (3, 3), None, None, "empty", -8, 7, True),
]


def inputs(rng, name, shape, axis, state):
    x = (rng.standard_normal(shape) * 3).astype(F32)
    if name == "positive_only":
        x = np.abs(x) + F32(0.5)  # the range is widened to include 0
    if name == "all_zero":
        x = np.zeros(shape, F32)  # scale floored at 2^-23
    rshape = () if axis is None else (shape[axis],)
    if state == "empty":
        mn, mx = np.full(rshape, 1, F32), np.full(rshape, -1, F32)
    else:
        mn = (-rng.random(rshape) * 4).astype(F32)
        mx = (rng.random(rshape) * 4).astype(F32)
    return x, mn, mx


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    rng = np.random.default_rng(31)
    m, expected = Model(), {}
    for name, shape, axis, c, state, qmin, qmax, sym in CASES:
        x, mn, mx = inputs(rng, name, shape, axis, state)
        rshape = mn.shape
        ax, amn, amx = m.arg(f"{name}_x", x), m.arg(f"{name}_min", mn), m.arg(f"{name}_max", mx)
        axis_attr = "" if axis is None else f"axis = {axis} : i64"
        # The Model helper makes one-result ops; write the two-result ops
        # by hand.
        rt = f"tensor<{'x'.join(map(str, rshape)) + 'x' if rshape else ''}f32>"
        xt = ax.type
        lo, hi, nlo, nhi, s, z = (f"%{name}_{k}" for k in ("lo", "hi", "nlo", "nhi", "s", "z"))
        m.body.append(f"  {lo}, {hi} = lp.aminmax {ax.ssa} {{{axis_attr}}} : ({xt}) -> ({rt}, {rt})")
        cattr = "" if c is None else f"{{averaging_constant = {c} : f64}}"
        m.body.append(f"  {nlo}, {nhi} = lp.observe {lo}, {hi}, {amn.ssa}, {amx.ssa} {cattr}"
                      f" : ({rt}, {rt}, {rt}, {rt}) -> ({rt}, {rt})")
        sattr = ", symmetric" if sym else ""
        m.body.append(f"  {s}, {z} = lp.quant_params {nlo}, {nhi} "
                      f"{{quant_min = {qmin} : i64, quant_max = {qmax} : i64{sattr}}}"
                      f" : ({rt}, {rt}) -> ({rt}, {rt})")
        from lp_testing import Value
        for ssa, key in ((lo, "lo"), (hi, "hi"), (nlo, "nlo"), (nhi, "nhi"), (s, "s"), (z, "z")):
            m.ret(Value(ssa, rshape, "f32"), f"{name}_{key}")
        clo, chi = ref_aminmax(x, axis)
        nmin, nmax = ref_observe(clo, chi, mn, mx, c)
        scale, zp = ref_qparams(nmin, nmax, qmin, qmax, sym)
        expected.update({f"{name}_lo": clo, f"{name}_hi": chi, f"{name}_nlo": nmin,
                         f"{name}_nhi": nmax, f"{name}_s": scale, f"{name}_z": zp})
    # lp.select with a scalar and an elementwise condition.
    a = rng.standard_normal((3, 4)).astype(F32)
    b = rng.standard_normal((3, 4)).astype(F32)
    cond = np.array([[1, 0, -1, 2], [0.5, -0.0, np.nan, 3], [-2, 1, 1, 0]], F32)
    va, vb = m.arg("sel_a", a), m.arg("sel_b", b)
    vc, vs = m.arg("sel_cond", cond), m.arg("sel_scalar", np.array(-1.0, F32))
    m.ret(m.op("lp.select", [vc, va, vb], (3, 4), "f32"), "sel_elementwise")
    m.ret(m.op("lp.select", [vs, va, vb], (3, 4), "f32"), "sel_scalar_off")
    with np.errstate(invalid="ignore"):
        expected["sel_elementwise"] = np.where(cond > 0, a, b)
    expected["sel_scalar_off"] = b
    return m.run(tmp_path_factory.mktemp("obs")), expected


@pytest.mark.parametrize("case", [c[0] for c in CASES])
@pytest.mark.parametrize("what", ["lo", "hi", "nlo", "nhi", "s", "z"])
def test_observer_ops_bit_exact(run, case, what):
    out, expected = run
    got, want = out[f"{case}_{what}"], expected[f"{case}_{what}"]
    assert got.shape == want.shape and got.tobytes() == want.tobytes(), (got, want)


@pytest.mark.parametrize("name", ["sel_elementwise", "sel_scalar_off"])
def test_select(run, name):
    out, expected = run
    assert out[name].tobytes() == expected[name].tobytes()


def test_reference_cases_are_meaningful():
    """The cases cover what they claim: the positive tensor's range is
    widened to 0, the zero tensor's scale is the floor, the unsigned
    symmetric zero points are PyTorch's."""
    s, z = ref_qparams(np.float32(0.5), np.float32(4.0), -128, 127, False)
    assert z == -128 and s == np.float32(4.0) / np.float32(255)
    s, z = ref_qparams(np.float32(0), np.float32(0), -8, 7, True)
    assert s == EPS and z == 0
    assert ref_qparams(np.float32(-1), np.float32(1), 0, 255, True)[1] == 128
    assert ref_qparams(np.float32(-1), np.float32(1), 0, 15, True)[1] == 7
    assert ref_qparams(np.float32(1), np.float32(-1), -128, 127, False) == (1, 0)


def test_reference_matches_torch():
    """The numpy observers and qparams against PyTorch's, over sequences
    of batches, per tensor and per channel."""
    torch = pytest.importorskip("torch", reason="torch is not installed: the numpy observer "
                                "reference is checked against PyTorch only where it is")
    from torch.ao.quantization import observer as obs

    rng = np.random.default_rng(8)
    batches = [(rng.standard_normal((6, 5)) * (1 + k)).astype(F32) for k in range(4)]
    configs = [  # torch observer, axis, averaging constant, qmin, qmax, symmetric
        (obs.MovingAverageMinMaxObserver(averaging_constant=0.01, dtype=torch.qint8,
                                         qscheme=torch.per_tensor_symmetric), None, 0.01, -128, 127, True),
        (obs.MovingAverageMinMaxObserver(averaging_constant=0.3), None, 0.3, 0, 255, False),
        (obs.MovingAveragePerChannelMinMaxObserver(averaging_constant=0.01, ch_axis=1, dtype=torch.qint8,
                                                   qscheme=torch.per_channel_symmetric), 1, 0.01, -128, 127, True),
        (obs.MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_symmetric), None, None, 0, 255, True),
        (obs.MinMaxObserver(dtype=torch.quint8, quant_min=0, quant_max=15,
                            qscheme=torch.per_tensor_symmetric), None, None, 0, 15, True),
        (obs.PerChannelMinMaxObserver(ch_axis=0, dtype=torch.qint8, quant_min=-8, quant_max=7,
                                      qscheme=torch.per_channel_affine), 0, None, -8, 7, False),
    ]
    for observer, axis, c, qmin, qmax, sym in configs:
        shape = () if axis is None else (batches[0].shape[axis],)
        mn, mx = np.full(shape, 1, F32), np.full(shape, -1, F32)
        for x in batches:
            observer(torch.from_numpy(x))
            mn, mx = ref_observe(*ref_aminmax(x, axis), mn, mx, c)
            assert np.array_equal(observer.min_val.numpy(), mn), (observer, observer.min_val, mn)
            assert np.array_equal(observer.max_val.numpy(), mx), (observer, observer.max_val, mx)
            ts, tz = observer.calculate_qparams()
            s, z = ref_qparams(mn, mx, qmin, qmax, sym)
            assert np.array_equal(ts.numpy().astype(F32).reshape(s.shape), s), (observer, ts, s)
            assert np.array_equal(tz.numpy().astype(F32).reshape(z.shape), z), (observer, tz, z)
