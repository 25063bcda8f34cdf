"""lp-run's error paths: each gives a clear message on stderr and exits with
status 1 (never a signal, never a crash report), and writes no results.

Covered: missing model file, missing input or
label, wrong shape, wrong dtype, malformed and truncated .npz/.npy files,
unsupported .npy layouts, labels out of range for cross_entropy, embedding
indices out of range (also through a reshape), --input without '=', params
.npz with the wrong shape or dtype, unknown options. Errors in the model
text itself: test_lp_run_model_errors.py.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

import numpy as np
import pytest

from lp_testing import Model, memory_limit, run_lp

CRASH_MARKERS = ("Stack dump", "PLEASE submit a bug report", "Segmentation fault", "Assertion", "terminate called")


def expect_error(args, *patterns, out_dir=None, word="error"):
    """Runs lp-run; requires exit 1, `word` and every regex in stderr."""
    proc = run_lp(args)
    assert proc.returncode == 1, (
        f"exit status {proc.returncode} (want 1)\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    )
    for marker in CRASH_MARKERS:
        assert marker not in proc.stderr, f"crash output in stderr:\n{proc.stderr}"
    if word:
        assert word in proc.stderr, f"no {word!r} message in stderr:\n{proc.stderr}"
    for p in patterns:
        assert re.search(p, proc.stderr), f"stderr does not match {p!r}:\n{proc.stderr}"
    if out_dir is not None:
        assert not any(out_dir.glob("*.npy")), "results were written despite the error"
    return proc


X = np.arange(6, dtype=np.float32).reshape(2, 3)
Y = np.array([0, 2], np.int64)


@pytest.fixture
def ce(tmp_path):
    """A cross-entropy model, x [2, 3] f32 and labels y [2] i64, with good data."""
    m = Model()
    x = m.arg("x", X, attrs='lp.role = "input"')
    y = m.arg("y", Y, attrs='lp.role = "label"')
    m.ret(m.op("lp.cross_entropy", [x, y], (), "f32"), "loss")
    model, data = m.write(tmp_path)
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "y.npy", Y)
    return tmp_path, model, data


def save_npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def test_control_good_data_runs(ce):
    """The model and data used below are valid: errors come from what each test breaks."""
    d, model, data = ce
    proc = run_lp([model, f"--data={data}", f"--output-dir={d / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    proc = run_lp([model, f"--input=x={d / 'x.npy'}", f"--input=y={d / 'y.npy'}"])
    assert proc.returncode == 0, proc.stderr


# ---------------------------------------------------------------------------
# The model file
# ---------------------------------------------------------------------------


def test_missing_model_file(tmp_path):
    expect_error([tmp_path / "nonexistent.mlir"], r"cannot open input file", r"nonexistent\.mlir", r"No such file")


# ---------------------------------------------------------------------------
# Binding arguments
# ---------------------------------------------------------------------------


def test_missing_input(ce):
    d, model, _ = ce
    data = save_npz(d / "only_y.npz", y=Y)
    expect_error([model, f"--data={data}", f"--output-dir={d / 'out'}"], r"missing input 'x'", out_dir=d / "out")


def test_missing_label(ce):
    d, model, _ = ce
    data = save_npz(d / "only_x.npz", x=X)
    expect_error([model, f"--data={data}"], r"missing label 'y'")


@pytest.mark.parametrize(
    "x, message",
    [
        (X.T.copy(), r"argument 'x': shape \[3, 2\] does not match the model's \[2, 3\]"),
        (X.reshape(6), r"argument 'x': shape \[6\] does not match the model's \[2, 3\]"),
        (np.float32(1.0), r"argument 'x': shape \[\] does not match the model's \[2, 3\]"),
    ],
    ids=["transposed", "rank1", "rank0"],
)
def test_wrong_shape(ce, x, message):
    d, model, _ = ce
    data = save_npz(d / "bad.npz", x=x, y=Y)
    expect_error([model, f"--data={data}", f"--output-dir={d / 'out'}"], message, out_dir=d / "out")


@pytest.mark.parametrize(
    "x, y, message",
    [
        (X.astype(np.float64), Y, r"argument 'x': dtype float64 does not match the model's float32"),
        (X.astype(np.float16), Y, r"argument 'x': dtype float16 does not match the model's float32"),
        (X.astype(np.int64), Y, r"argument 'x': dtype int64 does not match the model's float32"),
        (X, Y.astype(np.int32), r"argument 'y': dtype int32 does not match the model's int64"),
        (X, Y.astype(np.float32), r"argument 'y': dtype float32 does not match the model's int64"),
    ],
    ids=["f64-for-f32", "f16-for-f32", "i64-for-f32", "i32-for-i64", "f32-for-i64"],
)
def test_wrong_dtype(ce, x, y, message):
    d, model, _ = ce
    data = save_npz(d / "bad.npz", x=x, y=y)
    expect_error([model, f"--data={data}"], message)


@pytest.mark.parametrize("binding", ["x.npy", "=x.npy"])
def test_input_without_name_or_equals(ce, binding):
    d, model, _ = ce
    expect_error([model, f"--input={binding}", f"--input=y={d / 'y.npy'}"], r"--input expects name=file\.npy")


def test_unknown_option(ce):
    d, model, data = ce
    # LLVM's command-line parser words this one itself (no 'error:').
    expect_error([model, f"--data={data}", "--no-such-option"], r"Unknown command line argument '--no-such-option'", word=None)


def test_loss_scale_given_as_a_number():
    """--loss-scale takes a mode; the scale itself is --init-scale. The error
    is at the model and says so."""
    from lp_testing import REPO_ROOT
    model, data = REPO_ROOT / "examples" / "digits_mlp.mlir", REPO_ROOT / "examples" / "data" / "digits_train.npz"
    expect_error([str(model), "--train", f"--data={data}", "--steps=1", "--loss-scale=1024"],
                 r":\d+:\d+: error: lp-build-train-step: loss-scale must be none, static or dynamic, got '1024'",
                 r"--loss-scale=static --init-scale=S")


# ---------------------------------------------------------------------------
# Malformed files
# ---------------------------------------------------------------------------


def npy_bytes(header: str, data: bytes = b"") -> bytes:
    """A version-1.0 .npy with the given header dict text."""
    h = header.encode("latin1")
    h += b" " * (64 - (10 + len(h) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h + data


def good_npy_bytes(a) -> bytes:
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def test_missing_data_file(ce):
    d, model, _ = ce
    expect_error([model, f"--data={d / 'nonexistent.npz'}"], r"nonexistent\.npz", r"cannot open")


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty-file"])
def test_malformed_npz(ce, kind):
    d, model, data = ce
    path = d / f"{kind}.npz"
    raw = data.read_bytes()
    path.write_bytes({"garbage": b"this is not a zip archive", "truncated": raw[: len(raw) // 2], "empty-file": b""}[kind])
    expect_error([model, f"--data={path}"], re.escape(path.name))


def test_npz_member_truncated(ce):
    d, model, _ = ce
    path = d / "member.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", good_npy_bytes(X)[:-4])
        z.writestr("y.npy", good_npy_bytes(Y))
    expect_error([model, f"--data={path}"], r"member\.npz", r"'x'", r"truncated")


def test_npz_member_not_npy(ce):
    d, model, _ = ce
    path = d / "notnpy.npz"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", b"hello, world")
        z.writestr("y.npy", good_npy_bytes(Y))
    expect_error([model, f"--data={path}"], r"notnpy\.npz", r"'x'")


def test_npz_compressed_member_corrupt(ce):
    d, model, _ = ce
    path = d / "corrupt.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.npy", good_npy_bytes(np.zeros((2, 3), np.float32)))
        z.writestr("y.npy", good_npy_bytes(Y))
    raw = bytearray(path.read_bytes())
    start = raw.index(b"x.npy") + len(b"x.npy")  # first member's deflate stream
    raw[start + 4 : start + 24] = b"\xff" * 20
    path.write_bytes(bytes(raw))
    expect_error([model, f"--data={path}"], r"corrupt\.npz")


NPY_CASES = {
    "truncated-data": (good_npy_bytes(X)[:-5], r"truncated"),
    "truncated-header": (good_npy_bytes(X)[:20], r"truncated"),
    "empty-file": (b"", r""),
    "bad-magic": (b"NOTNUMPY" + good_npy_bytes(X)[8:], r""),
    "header-not-dict": (npy_bytes("hello", X.tobytes()), r"header"),
    "header-unclosed": (npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, }", X.tobytes()), r"header"),
    "header-no-descr": (npy_bytes("{'fortran_order': False, 'shape': (2, 3), }", X.tobytes()), r"descr"),
    "negative-shape": (npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, -3), }", X.tobytes()), r"shape"),
    "size-overflow": (
        npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", X.tobytes()),
        r"overflow",
    ),
    "huge-shape": (npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000,), }", X.tobytes()), r"truncated"),
    "trailing-data": (good_npy_bytes(X) + b"\0" * 8, r"trailing"),
    "fortran-order": (good_npy_bytes(np.asfortranarray(X)), r"fortran"),
    "big-endian": (good_npy_bytes(X.astype(">f4")), r"big-endian"),
    "object": (None, r"object"),
    "complex": (good_npy_bytes(X.astype(np.complex64)), r"dtype"),
}


@pytest.mark.parametrize("kind", list(NPY_CASES))
def test_malformed_npy(ce, kind):
    d, model, _ = ce
    raw, message = NPY_CASES[kind]
    path = d / f"{kind}.npy"
    if raw is None:  # object arrays need pickling
        np.save(path, np.array([[1, 2, 3], [4, 5, 6]], dtype=object), allow_pickle=True)
    else:
        path.write_bytes(raw)
    expect_error(
        [model, f"--input=x={path}", f"--input=y={d / 'y.npy'}", f"--output-dir={d / 'out'}"],
        re.escape(path.name),
        message,
        out_dir=d / "out",
    )


# ---------------------------------------------------------------------------
# Index ranges
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels, message",
    [
        ([0, 3], r"argument 'y': value 3 at flat index 1 is outside \[0, 3\)"),
        ([-1, 0], r"argument 'y': value -1 at flat index 0 is outside \[0, 3\)"),
        ([0, 2**62], r"argument 'y': value 4611686018427387904 at flat index 1 is outside \[0, 3\)"),
    ],
    ids=["C", "negative", "huge"],
)
def test_label_out_of_range(ce, labels, message):
    d, model, _ = ce
    data = save_npz(d / "labels.npz", x=X, y=np.array(labels, np.int64))
    expect_error([model, f"--data={data}", f"--output-dir={d / 'out'}"], message, out_dir=d / "out")


def test_label_int64_max_message(ce):
    d, model, _ = ce
    data = save_npz(d / "labels.npz", x=X, y=np.array([0, 2**63 - 1], np.int64))
    expect_error([model, f"--data={data}"], r"value 9223372036854775807 at flat index 1 is outside \[0, 3\)")


def _embedding_model(tmp_path, ids_shape, ids_elem, reshape_to=None):
    m = Model()
    table = np.arange(10, dtype=np.float32).reshape(5, 2)
    ids = m.arg("ids", shape=ids_shape, elem=ids_elem)
    t = m.arg("table", table)
    src = ids
    if reshape_to is not None:
        src = m.op("lp.reshape", [ids], reshape_to, ids_elem)
    m.ret(m.op("lp.embedding", [src, t], tuple(src.shape) + (2,), "f32"), "e")
    return m, table


@pytest.mark.parametrize(
    "ids, message",
    [
        (np.array([0, 4, 5], np.int64), r"argument 'ids': value 5 at flat index 2 is outside \[0, 5\)"),
        (np.array([0, -1, 2], np.int64), r"argument 'ids': value -1 at flat index 1 is outside \[0, 5\)"),
    ],
    ids=["V", "negative"],
)
def test_embedding_index_out_of_range(tmp_path, ids, message):
    m, table = _embedding_model(tmp_path, ids.shape, "i64")
    model, _ = m.write(tmp_path)
    data = save_npz(tmp_path / "ids.npz", ids=ids, table=table)
    expect_error([model, f"--data={data}", f"--output-dir={tmp_path / 'out'}"], message, out_dir=tmp_path / "out")


def test_embedding_index_out_of_range_through_reshape(tmp_path):
    m, table = _embedding_model(tmp_path, (2, 2), "i32", reshape_to=(4,))
    model, _ = m.write(tmp_path)
    data = save_npz(tmp_path / "ids.npz", ids=np.array([[0, 1], [2, 7]], np.int32), table=table)
    expect_error([model, f"--data={data}"], r"argument 'ids': value 7 at flat index 3 is outside \[0, 5\)")


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


@pytest.fixture
def linear(tmp_path):
    m = Model()
    x = m.arg("x", np.ones((2, 3), np.float32))
    w = m.arg("w", shape=(3, 4), elem="f32", attrs='lp.role = "param", lp.init = "glorot_uniform"')
    m.ret(m.op("lp.linear", [x, w], (2, 4), "f32"), "y")
    model, data = m.write(tmp_path)
    return tmp_path, model, data


def test_params_control(linear):
    d, model, data = linear
    params = save_npz(d / "params.npz", w=np.full((3, 4), 0.5, np.float32))
    proc = run_lp([model, f"--data={data}", f"--params={params}", f"--output-dir={d / 'out'}"])
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(d / "out" / "y.npy"), np.full((2, 4), 1.5, np.float32))


@pytest.mark.parametrize(
    "w, message",
    [
        (np.ones((4, 3), np.float32), r"argument 'w': shape \[4, 3\] does not match the model's \[3, 4\]"),
        (np.ones((3, 4), np.float64), r"argument 'w': dtype float64 does not match the model's float32"),
    ],
    ids=["shape", "dtype"],
)
def test_params_wrong(linear, w, message):
    d, model, data = linear
    params = save_npz(d / "params.npz", w=w)
    expect_error([model, f"--data={data}", f"--params={params}", f"--output-dir={d / 'out'}"], message, out_dir=d / "out")


def test_params_missing_file(linear):
    d, model, data = linear
    expect_error([model, f"--data={data}", f"--params={d / 'nonexistent.npz'}"], r"nonexistent\.npz", r"cannot open")


# ---------------------------------------------------------------------------
# Zero-size dimensions (issue 19, point 1: they divided by zero in the
# random inputs, the lowering and the gradients)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("train", [False, True], ids=["run", "train"])
def test_zero_size_dimensions_are_located_errors(tmp_path, train):
    m = Model()
    x = m.arg("x", shape=(4, 0), elem="f32", attrs='lp.role = "input"')
    y = m.arg("y", shape=(4,), elem="i64", attrs='lp.role = "label"')
    m.ret(m.op("lp.cross_entropy", [x, y], (), "f32"), "loss")
    model, _ = m.write(tmp_path)
    args = [model, "--random-inputs"] if not train else [model, "--train", "--data=none.npz"]
    expect_error(args, r"model\.mlir:\d+:\d+: error: 'lp.cross_entropy' op operand #0 must be "
                       r"statically shaped tensor of rank 8 or less without zero-size dimensions")


# ---------------------------------------------------------------------------
# Sizes the data files declare (issue 19, point 6)
# ---------------------------------------------------------------------------


def test_npz_member_declaring_more_than_it_holds(tmp_path):
    """A 4 MiB deflated member that declares 4 GiB (within the plausible
    compression ratio): the reader grows its buffer with the data, so under a
    3 GB address-space limit lp-run reports the mismatch instead of aborting
    on a 4 GiB allocation."""
    import os
    import subprocess
    from lp_testing import lp_run_path

    header = io.BytesIO()
    np.save(header, np.zeros(4, np.float32))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("x.npy", header.getvalue()[:-16] + np.random.default_rng(0).bytes(4 << 20))
    data = bytearray(buf.getvalue())
    claim = 0xFFFFFF00
    struct.pack_into("<I", data, 22, claim)  # local header
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, claim)  # central directory
    (tmp_path / "bomb.npz").write_bytes(bytes(data))
    m = Model()
    m.ret(m.op("lp.relu", [m.arg("x", np.zeros(4, np.float32))], (4,), "f32"), "y")
    model, _ = m.write(tmp_path)

    limit, env = memory_limit(3 << 30)
    proc = subprocess.run([lp_run_path(), str(model), f"--data={tmp_path / 'bomb.npz'}"],
                          capture_output=True, text=True, preexec_fn=limit, env=env, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert f"array 'x': decompressed size mismatch (expected {claim} bytes, found" in proc.stderr, \
        proc.stderr


# ---------------------------------------------------------------------------
# Files that never end (issue 19, point 10)
# ---------------------------------------------------------------------------


def test_fifos_and_devices_are_refused(tmp_path):
    """Data, parameters and the model must be regular files: a FIFO (whose
    open blocks) and /dev/zero (which never ends) are refused by name; the
    model may still come from standard input, at most 1 GiB of it."""
    import os
    m = Model()
    m.ret(m.op("lp.relu", [m.arg("x", np.zeros(4, np.float32))], (4,), "f32"), "y")
    model, data = m.write(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    expect_error([model, f"--data={fifo}"], r"fifo: not a regular file \(a FIFO\)")
    expect_error([model, "--data=/dev/zero"], r"/dev/zero: not a regular file \(a device\)")
    expect_error([model, "--input=x=/dev/zero"], r"/dev/zero: not a regular file \(a device\)")
    expect_error([model, f"--data={data}", "--params=/dev/zero"], r"/dev/zero: not a regular file")
    expect_error(["/dev/zero"], r"/dev/zero: not a regular file")
    expect_error([fifo], r"fifo: not a regular file")
    import subprocess
    from lp_testing import lp_run_path
    piped = subprocess.run([lp_run_path(), "-", f"--data={data}"], input=model.read_text(),
                           capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    with open("/dev/zero", "rb") as zero:
        endless = subprocess.run([lp_run_path(), "-"], stdin=zero, capture_output=True,
                                 text=True, timeout=120)
    assert endless.returncode == 1
    assert "<stdin>: the model is larger than 1 GiB" in endless.stderr, endless.stderr


# ---------------------------------------------------------------------------
# Sizes (issue 19, point 2)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape, message", [
    # 1 TiB in and 1 TiB out (at the dialect's limit): refused with both
    # sizes before anything is allocated.
    ((262144, 1048576), r"'main' needs 2199023255552 bytes for its arguments and results alone; "
                        r"this machine has \d+ bytes of memory"),
    # Above the limit: a located verifier error.
    ((1048576, 1048576), r"model\.mlir:\d+:\d+: error: 'lp.relu' op tensor "
                         r"'tensor<1048576x1048576xf32>' has 4398046511104 bytes, more than LP's "
                         r"limit of 2\^40"),
], ids=["larger-than-the-machine", "above-the-limit"])
def test_tensor_sizes(tmp_path, shape, message):
    m = Model()
    x = m.arg("x", shape=shape, elem="f32")
    m.ret(m.op("lp.relu", [x], shape, "f32"), "y")
    model, _ = m.write(tmp_path)
    expect_error([model, "--random-inputs"], message)


def test_failed_allocation_in_the_step_is_reported(tmp_path):
    """A 16 GiB intermediate (the outer product of two 64 Ki vectors) under a
    4 GB address-space limit: the runtime's allocation hook reports it and
    exits 1 (the generated code dereferenced the null pointer before)."""
    import subprocess
    from lp_testing import lp_run_path

    n = 65536
    m = Model()
    a = m.arg("a", shape=(n, 1), elem="f32")
    b = m.arg("b", shape=(1, n), elem="f32")
    p = m.op("lp.matmul", [a, b], (n, n), "f32")
    m.ret(m.op("lp.reduce_sum", [p], (), "f32", "{axes = array<i64: 0, 1>}"), "s")
    model, _ = m.write(tmp_path)

    limit, env = memory_limit(4 << 30)
    proc = subprocess.run([lp_run_path(), str(model), "--random-inputs"], capture_output=True,
                          text=True, preexec_fn=limit, env=env, timeout=300)
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    got = re.search(r"lp: error: the compiled step could not allocate (\d+) bytes for an "
                    r"intermediate buffer \(out of memory\)", proc.stderr)
    assert got and int(got.group(1)) >= 4 * n * n, proc.stderr

