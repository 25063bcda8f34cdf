"""lp-run --train says what it does (issue 16, points 8 and 11).

* --output-dir writes the trained parameters (the checkpoint's values, bit
  for bit) and says so; without --checkpoint or --output-dir lp-run says
  that the trained parameters are discarded.
* The progress lines: the first step is reported on its own as warm-up
  (with its time), the following lines give a rate over the steps' own
  time, and the run ends with its total time and mean ms/step.
"""

from __future__ import annotations

import re

import numpy as np

from lp_testing import run_lp
from test_training import DIGITS_MLP, digits_data  # noqa: F401


def test_output_dir_and_progress(digits_data, tmp_path):
    out, ck = tmp_path / "params", tmp_path / "ck.npz"
    proc = run_lp([DIGITS_MLP, "--train", f"--data={digits_data}", "--steps=5", "--log-every=2",
                   f"--output-dir={out}", f"--checkpoint={ck}", "--checkpoint-every=2"])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    steps = [line for line in lines if line.startswith("step ")]
    assert re.fullmatch(r"step 1  loss [0-9.]+  \(first step, warm-up: [0-9.]+ ms\)", steps[0]), steps
    assert [line.split()[1] for line in steps[1:]] == ["2", "4", "5"], steps
    for line in steps[1:]:
        assert re.fullmatch(r"step \d  loss [0-9.]+  \d+ examples/s", line), line
    assert any(re.fullmatch(r"trained 5 steps in [0-9.]+ s: [0-9.]+ ms/step after the first, median [0-9.]+ .*", line)
               for line in lines), proc.stdout
    assert f"wrote the 6 trained parameters to {out}/<name>.npy" in proc.stdout
    assert "discarded" not in proc.stdout
    saved = np.load(ck)
    files = sorted(p.stem for p in out.glob("*.npy"))
    assert files == sorted(k for k in saved.files if not (k == "step" or ".sgd." in k or ".adam" in k)), files
    for name in files:
        assert np.load(out / f"{name}.npy").tobytes() == saved[name].tobytes(), name


def test_discarded_parameters_are_announced(digits_data):
    proc = run_lp([DIGITS_MLP, "--train", f"--data={digits_data}", "--steps=2", "--log-every=0"])
    assert proc.returncode == 0, proc.stderr
    assert "note: the trained parameters are discarded (give --checkpoint or --output-dir to keep them)" \
        in proc.stdout
    assert "trained 2 steps in" in proc.stdout


def test_help_shows_lp_options_with_defaults():
    proc = run_lp(["--help"])
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    lines = text.splitlines()
    # lp-run's own options only (about 80 lines), not LLVM's hundreds.
    assert len(lines) < 120, f"--help has {len(lines)} lines"
    for option, default in (("--lr", "default 0.01"), ("--steps", "default 100"), ("--optimizer", "default sgd"),
                            ("--log-every", "default 10"), ("--seed", "default 0"), ("--parallel", "default on")):
        line = next((l for l in lines if l.strip().startswith(option + " ") or l.strip().startswith(option + "=")),
                    None)
        assert line is not None, f"{option} missing from --help"
        assert default in text, f"{default!r} missing from --help"
    for heading in ("Running a function", "Training (--train)", "Lowering"):
        assert heading in text, heading
    # None of the LLVM or MLIR options (the 409-line help of before).
    assert "--mlir-" not in text and "--x86-" not in text and "--debug-pass" not in text, text


def test_data_is_checked_before_compiling(digits_data, tmp_path):
    """Bad training or held-out data fails before the step is compiled
    (lp-run prints 'compile: ...' once it has compiled)."""
    data = np.load(digits_data)
    cases = {
        "missing.npz": ({"x": data["x"]}, r"no array named 'y'"),
        "dtype.npz": ({"x": data["x"].astype(np.float64), "y": data["y"]}, r"array 'x' is float64, the model wants float32"),
        "few.npz": ({"x": data["x"][:10], "y": data["y"][:10]}, r"10 examples are fewer than one batch of 64"),
        "label.npz": ({"x": data["x"], "y": np.full_like(data["y"], 10)}, r"outside \[0, 10\)"),
    }
    for name, (arrays, pattern) in cases.items():
        np.savez(tmp_path / name, **arrays)
        for args in ([f"--data={tmp_path / name}"], [f"--data={digits_data}", f"--eval-data={tmp_path / name}"]):
            if name == "few.npz" and "--eval-data" in args[-1]:
                continue  # a partial held-out batch is allowed
            proc = run_lp([DIGITS_MLP, "--train", "--steps=1", *args])
            assert proc.returncode == 1, (name, args, proc.stdout, proc.stderr)
            assert re.search(pattern, proc.stderr), (name, proc.stderr)
            assert "compile:" not in proc.stdout, (name, proc.stdout)
