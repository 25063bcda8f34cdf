"""lp-run refuses input it would otherwise ignore or misuse, before it runs
anything (issue 19, points 4, 5, 7 and 9); each case exits 1 with a message
that names the offending name, file or option, and writes nothing:

* checkpoints (--resume, or --params with a step): a negative step, a step
  at or beyond --steps (nothing would run), and an array that is not a parameter or state of
  the step (a checkpoint of another model or configuration); --params may
  carry another optimizer's state (`<param>.adam.m`, `adam.t`), unused,
  but not unknown names;
* data: an array in --data (training or a single run), --params (a single
  run) or --input that the function does not take as that kind (unknown
  names, parameters given as data, data given as parameters), a repeated
  --input (--input still wins over --data's array of the same name, and a
  training checkpoint may give a single run's parameters);
* labels whose array has exactly the argument's shape (bound whole, not
  batched) are range-checked like any others;
* result and parameter names that cannot be file names in --output-dir
  (`a/b`, `../escape`; also `\\` and NUL) are refused before the function
  runs;
* option combinations that would silently drop one of them: --params with
  --resume, --checkpoint-every without --checkpoint, --input with --train;
* (point 11) an unwritable --checkpoint is reported before the first step,
  and a path that is not a regular file (a directory, /dev/null, a
  symbolic link) is never replaced.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lp_testing import Model, run_lp
from test_lp_run_errors import expect_error

X = np.arange(6, dtype=np.float32).reshape(2, 3)
Y = np.array([0, 2], np.int64)


def linear_ce(tmp_path, result="loss", param="w"):
    """x [2, 3] -> linear (param w [3, 3]) -> cross entropy with y [2]."""
    m = Model()
    x = m.arg("x", X, attrs='lp.role = "input"')
    y = m.arg("y", Y, attrs='lp.role = "label"')
    # No value: the parameter is initialised, not written to the data file.
    w = m.arg(param, shape=(3, 3), elem="f32", attrs='lp.role = "param", lp.init = "zeros"')
    h = m.op("lp.matmul", [x, w], (2, 3), "f32")
    m.ret(m.op("lp.cross_entropy", [h, y], (), "f32"), result)
    model, data = m.write(tmp_path)
    return model, data


def train(model, data, *args):
    """lp-run --train on `data`, or on a 4-example training set of the
    model's batch of 2 when `data` is the model's own inputs.npz."""
    if str(data).endswith("inputs.npz"):
        data = Path(data).with_name("train.npz")
        np.savez(data, x=np.concatenate([X, X + 1]), y=np.concatenate([Y, Y[::-1]]))
    return [model, "--train", f"--data={data}", "--log-every=0", *args]


@pytest.fixture
def trained(tmp_path):
    """A model, its data and a checkpoint after 2 SGD steps (momentum)."""
    model, data = linear_ce(tmp_path)
    ck = tmp_path / "ck.npz"
    proc = run_lp(train(model, data, "--steps=2", "--momentum=0.9", f"--checkpoint={ck}"))
    assert proc.returncode == 0, proc.stderr
    assert sorted(np.load(ck)) == ["step", "w", "w.sgd.momentum"]
    return tmp_path, model, data, dict(np.load(ck))


def test_control_resume_runs(trained):
    d, model, data, ck = trained
    proc = run_lp(train(model, data, "--steps=4", "--momentum=0.9", f"--resume={d / 'ck.npz'}"))
    assert proc.returncode == 0, proc.stderr
    assert "steps 2..4" in proc.stdout


@pytest.mark.parametrize("step, message", [
    (-3, r"the step count is -3; a checkpoint's step is 0 or more"),
    (4, r"the checkpoint is at step 4 and --steps is 4: nothing to run"),
    (50, r"the checkpoint is at step 50 and --steps is 4: nothing to run"),
])
def test_resume_step_out_of_range(trained, step, message):
    d, model, data, ck = trained
    ck["step"] = np.array(step, np.int64)
    np.savez(d / "bad.npz", **ck)
    expect_error(train(model, data, "--steps=4", "--momentum=0.9", f"--resume={d / 'bad.npz'}"),
                 r"bad\.npz: " + message)


def test_resume_checkpoint_of_another_model(trained):
    d, model, data, ck = trained
    ck["v"] = np.zeros(3, np.float32)
    np.savez(d / "other.npz", **ck)
    expect_error(train(model, data, "--steps=4", "--momentum=0.9", f"--resume={d / 'other.npz'}"),
                 r"other\.npz: 'v' is not a parameter or state of '\w+_train_step' "
                 r"\(a checkpoint of another model")


def test_checkpoint_as_params_of_a_run(trained):
    """A training checkpoint (parameters, step, momentum buffers) gives the
    parameters of a single run: its other state is not used."""
    d, model, data, ck = trained
    proc = run_lp([model, f"--data={data}", f"--params={d / 'ck.npz'}", f"--output-dir={d / 'o'}"])
    assert proc.returncode == 0, proc.stderr


def test_params_step_is_checked_too(trained):
    d, model, data, ck = trained
    expect_error(train(model, data, "--steps=2", "--momentum=0.9", f"--params={d / 'ck.npz'}"),
                 r"ck\.npz: the checkpoint is at step 2 and --steps is 2: nothing to run")


def test_params_may_carry_other_state_but_not_unknown_names(trained):
    d, model, data, ck = trained
    ck["adam.t"] = np.array(3, np.int64)
    ck["w.adam.m"] = np.zeros((3, 3), np.float32)
    np.savez(d / "init.npz", **ck)
    proc = run_lp(train(model, data, "--steps=3", f"--params={d / 'init.npz'}"))
    assert proc.returncode == 0, proc.stderr
    ck["b"] = np.zeros(3, np.float32)
    np.savez(d / "init2.npz", **ck)
    expect_error(train(model, data, "--steps=3", f"--params={d / 'init2.npz'}"),
                 r"init2\.npz: 'b' is not a parameter or state")


@pytest.mark.parametrize("train_mode", [True, False], ids=["train", "run"])
@pytest.mark.parametrize("extra, message", [
    ({"z": X}, r"'z' is not an input or label of '\w+' \(its inputs and labels are 'x', 'y'\)"),
    ({"w": np.eye(3, dtype=np.float32)},
     r"'w' is a param of '\w+', not an input or label \(parameters are given with --params\)"),
])
def test_data_names_nothing(tmp_path, train_mode, extra, message):
    model, _ = linear_ce(tmp_path)
    np.savez(tmp_path / "extra.npz", x=X, y=Y, **extra)
    args = (train(model, tmp_path / "extra.npz", "--steps=1") if train_mode
            else [model, f"--data={tmp_path / 'extra.npz'}"])
    expect_error(args, r"extra\.npz: " + message)


def test_run_params_name_data(tmp_path):
    model, data = linear_ce(tmp_path)
    np.savez(tmp_path / "p.npz", w=np.eye(3, dtype=np.float32), x=X)
    expect_error([model, f"--data={data}", f"--params={tmp_path / 'p.npz'}"],
                 r"p\.npz: 'x' is an input of '\w+', not a parameter or state")


def test_input_bindings(tmp_path):
    model, data = linear_ce(tmp_path)
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "y.npy", Y)
    x, y = f"--input=x={tmp_path / 'x.npy'}", f"--input=y={tmp_path / 'y.npy'}"
    assert run_lp([model, x, y]).returncode == 0
    expect_error([model, x, y, f"--input=q={tmp_path / 'x.npy'}"],
                 r"--input q=\S+: 'q' is not an input or label")
    expect_error([model, x, y, f"--input=x={tmp_path / 'y.npy'}"],
                 r"--input x is given twice \('\S+x\.npy' and '\S+y\.npy'\)")
    # --input wins over --data's array of the same name (documented).
    np.save(tmp_path / "x1.npy", X + 1)
    proc = run_lp([model, f"--data={data}", f"--input=x={tmp_path / 'x1.npy'}"])
    assert proc.returncode == 0, proc.stderr


def test_labels_bound_whole_are_range_checked(tmp_path):
    """y [2] in a file of exactly 2 examples is bound whole (a fixed input):
    its labels are still checked."""
    model, _ = linear_ce(tmp_path)
    np.savez(tmp_path / "bad.npz", x=np.concatenate([X, X]), y=np.array([0, 3], np.int64))
    expect_error(train(model, tmp_path / "bad.npz", "--steps=1"),
                 r"bad\.npz: array 'y': value 3 at flat index 1 is outside \[0, 3\)")


@pytest.mark.parametrize("name", ["a/b", "../escape"])
def test_output_names_that_are_not_file_names(tmp_path, name):
    out = tmp_path / "out"
    model, data = linear_ce(tmp_path, result=name)
    expect_error([model, f"--data={data}", f"--output-dir={out}"],
                 f"'{name}' cannot be written to --output-dir", out_dir=out)
    assert not (tmp_path / "escape.npy").exists()
    model, data = linear_ce(tmp_path, param=name)
    expect_error(train(model, data, "--steps=1", f"--output-dir={out}"),
                 f"'{name}' cannot be written to --output-dir", out_dir=out)


@pytest.mark.parametrize("args, message", [
    (["--params=p.npz", "--resume=ck.npz"], "--params and --resume both give the parameters"),
    (["--checkpoint-every=2"], r"--checkpoint-every needs --checkpoint"),
    (["--input=x=x.npy"], r"--input binds the arguments of a single run"),
])
def test_train_options_that_would_be_ignored(tmp_path, args, message):
    model, data = linear_ce(tmp_path)
    expect_error(train(model, data, "--steps=1", *args), message)


@pytest.mark.parametrize("target, message", [
    ("missing/dir/ck.npz", r"--checkpoint \S+ck\.npz: cannot be written: No such file or directory"),
    ("a_directory", r"--checkpoint \S+a_directory: exists and is not a regular file \(a directory\): "
                    r"not replaced"),
    ("/dev/null", r"--checkpoint /dev/null: exists and is not a regular file \(a device or special file\)"),
])
def test_checkpoint_checked_before_training(tmp_path, target, message):
    """An unwritable checkpoint is reported before the first step (no step
    line is printed), and nothing that is not a regular file is replaced."""
    (tmp_path / "a_directory").mkdir()
    model, data = linear_ce(tmp_path)
    path = target if target.startswith("/") else tmp_path / target
    proc = expect_error(train(model, data, "--steps=2", f"--checkpoint={path}"), message)
    assert "step 1" not in proc.stdout, proc.stdout
    assert (tmp_path / "a_directory").is_dir()


def test_checkpoint_symlink_is_not_replaced(tmp_path):
    model, data = linear_ce(tmp_path)
    (tmp_path / "real.npz").write_bytes(b"")
    (tmp_path / "link.npz").symlink_to(tmp_path / "real.npz")
    expect_error(train(model, data, "--steps=1", f"--checkpoint={tmp_path / 'link.npz'}"),
                 r"exists and is not a regular file \(a symbolic link\)")
    assert (tmp_path / "link.npz").is_symlink()
