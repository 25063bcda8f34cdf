"""lp-run's errors in the model text: malformed MLIR and unknown ops (with
file:line:col), verifier errors, dense_resource constants with a missing or
undersized blob, dynamic shapes, a state result of another type than its
state, an unknown, ambiguous or missing function, an empty module. Each
gives a clear message on stderr and exit status 1, never a crash (the
helpers are test_lp_run_errors.py's).
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from lp_testing import run_lp
from test_lp_run_errors import ce, expect_error  # noqa: F401  (ce is a fixture)


def test_malformed_mlir_has_file_line(tmp_path):
    path = tmp_path / "bad.mlir"
    path.write_text(
        'func.func @main(%x: tensor<2xf32> {lp.name = "x"}) -> tensor<2xf32> {\n'
        "  %y = lp.relu %x : (tensor<2xf32>) -> tensor<2xf32>\n"
        "  return %y : tensor<2xf32\n"
        "}\n"
    )
    expect_error([path, "--random-inputs"], re.escape(str(path)) + r":3:\d+: error:")


DENSE_RESOURCE_MODEL = """func.func @main(%x: tensor<2xf32> {lp.name = "x"}) -> tensor<2xf32> {
  %c = arith.constant dense_resource<blob1> : tensor<2xf32>
  %r = arith.addf %x, %c : tensor<2xf32>
  return %r : tensor<2xf32>
}
"""


@pytest.mark.parametrize("blob, message", [
    ("0x040000000000803F00000040", None),  # alignment 4, then 1.0f and 2.0f
    (None, r":2:\d+: error: resource does not exist"),
    ("0x0400000000", r":2:\d+: error: raw data size does not match element type size"),
])
def test_dense_resource_constants(tmp_path, blob, message):
    """A dense_resource constant runs with its blob's values; a missing or
    undersized blob is a located error (issue 19, point 12)."""
    text = DENSE_RESOURCE_MODEL
    if blob:
        text += '{-#\n  dialect_resources: {\n    builtin: {\n      blob1: "%s"\n    }\n  }\n#-}\n' % blob
    path = tmp_path / "resource.mlir"
    path.write_text(text)
    x = np.array([0.25, -3.0], np.float32)
    np.save(tmp_path / "x.npy", x)
    args = [path, "--input", f"x={tmp_path / 'x.npy'}", "--output-dir", tmp_path / "out"]
    if message:
        expect_error(args, re.escape(str(path)) + message)
        return
    proc = run_lp(args)
    assert proc.returncode == 0, proc.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "out" / "result0.npy"),
                                  x.astype(np.float64) + np.array([1.0, 2.0]))


def test_unknown_op_has_file_line(tmp_path):
    path = tmp_path / "unknown.mlir"
    path.write_text(
        'func.func @main(%x: tensor<2xf32> {lp.name = "x"}) -> tensor<2xf32> {\n'
        "  %y = lp.frobnicate %x : (tensor<2xf32>) -> tensor<2xf32>\n"
        "  return %y : tensor<2xf32>\n"
        "}\n"
    )
    expect_error([path, "--random-inputs"], re.escape(str(path)) + r":2:\d+: error:")


def test_verifier_error_has_file_line(tmp_path):
    path = tmp_path / "verify.mlir"
    path.write_text(
        'func.func @main(%x: tensor<2xf32> {lp.name = "x"}) -> tensor<3xf32> {\n'
        "  %y = lp.add %x, %x : (tensor<2xf32>, tensor<2xf32>) -> tensor<3xf32>\n"
        "  return %y : tensor<3xf32>\n"
        "}\n"
    )
    expect_error([path, "--random-inputs"], re.escape(str(path)) + r":2:\d+: error: 'lp.add' op")


def test_dynamic_shape_argument(tmp_path):
    path = tmp_path / "dyn.mlir"
    path.write_text(
        'func.func @main(%x: tensor<?xf32> {lp.name = "x"}) -> tensor<?xf32> {\n'
        "  return %x : tensor<?xf32>\n"
        "}\n"
    )
    expect_error([path, "--random-inputs"], re.escape(str(path)) + r":1:\d+: error: 'x' must be a statically shaped")


@pytest.mark.parametrize("train", [False, True])
def test_state_result_of_another_type(tmp_path, train):
    """A state's next value must have the state's type: the runtime writes
    it into the state's array (a [1] result for a [] state, a bf16 one for
    an f32 state would write the wrong shape or bytes there)."""
    path = tmp_path / "state.mlir"
    path.write_text(
        'func.func @counter(%x: tensor<4x3xf32> {lp.role = "input", lp.name = "x"},\n'
        '    %y: tensor<4xi64> {lp.role = "label", lp.name = "y"},\n'
        '    %calls: tensor<f32> {lp.role = "state", lp.name = "calls"})\n'
        '    -> (tensor<f32> {lp.name = "loss"}, tensor<1xf32> {lp.name = "calls"}) {\n'
        "  %l = lp.cross_entropy %x, %y : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>\n"
        "  %one = arith.constant dense<1.0> : tensor<1xf32>\n"
        "  %c = lp.add %calls, %one : (tensor<f32>, tensor<1xf32>) -> tensor<1xf32>\n"
        "  return %l, %c : tensor<f32>, tensor<1xf32>\n"
        "}\n"
    )
    args = [path, "--random-inputs"] + (["--train", "--steps=1"] if train else [])
    if train:  # --train reads its batches from --data
        np.savez(tmp_path / "d.npz", x=np.zeros((8, 3), np.float32), y=np.zeros(8, np.int64))
        args = [path, "--train", "--steps=1", f"--data={tmp_path / 'd.npz'}"]
    expect_error(args, re.escape(str(path)) + r":1:\d+: error: result 'calls' is the next value of the argument "
                 r"of that name, but has type 'tensor<1xf32>' where the argument has 'tensor<f32>'")


def test_unknown_function(ce):
    d, model, data = ce
    expect_error([model, f"--data={data}", "--function=nope"], r"no function named 'nope'")


def test_several_public_functions_need_function(tmp_path):
    path = tmp_path / "two.mlir"
    path.write_text(
        "func.func @a(%x: tensor<2xf32>) -> tensor<2xf32> {\n  return %x : tensor<2xf32>\n}\n"
        "func.func @b(%x: tensor<2xf32>) -> tensor<2xf32> {\n  return %x : tensor<2xf32>\n}\n"
    )
    expect_error([path, "--random-inputs"], r"several public functions", r"--function")


def test_empty_module(tmp_path):
    path = tmp_path / "empty.mlir"
    path.write_text("module {\n}\n")
    expect_error([path], r"no function to run")
