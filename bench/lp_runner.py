"""Runs LP's compiled train step through `lp-run --train` and reads back
the per-step losses, the per-step times and the compile times.

Step times come from `--step-times FILE` (one line per step, that step's
compiled call in milliseconds) when this lp-run accepts the flag. An older
lp-run without it is timed from its progress lines instead (`--log-every 1`
prints examples/s for every step, so ms/step = batch / (examples/s); that
interval also covers copying the batch and writing the loss log, and the
rate is printed rounded to a whole number).
"""

import dataclasses
import os
import re
import subprocess
import time

_COMPILE = re.compile(r"compile:\s*pipeline\s+([0-9.eE+-]+)\s*s,"
                      r"\s*jit\s+([0-9.eE+-]+)\s*s")
_PROGRESS = re.compile(r"^step\s+(\d+)\s+loss\s+\S+\s+([0-9.]+)\s+examples/s", re.M)


class LpError(RuntimeError):
    pass


@dataclasses.dataclass
class LpResult:
    losses: list          # loss.total of every step
    step_ms: list         # per-step milliseconds (may be empty)
    method: str           # how step_ms was measured
    pipeline_s: float = None
    jit_s: float = None
    wall_s: float = 0.0   # the whole lp-run process
    command: str = ""
    contractions: list = dataclasses.field(default_factory=list)  # --verbose


def _exit_error(cmd, r):
    """An LpError whose first line says why, then the command and output."""
    lines = (r.stdout + r.stderr).strip().splitlines()
    why = lines[-1] if lines else "no output"
    tail = "\n".join(lines[-15:])
    return LpError(f"lp-run exited with {r.returncode}: {why}\n"
                   f"command: {' '.join(cmd)}\n{tail}")


_HELP_CACHE = {}


def help_text(lp_run):
    if lp_run not in _HELP_CACHE:
        r = subprocess.run([lp_run, "--help"], capture_output=True, text=True)
        _HELP_CACHE[lp_run] = r.stdout + r.stderr
    return _HELP_CACHE[lp_run]


def has_step_times(lp_run):
    return "--step-times" in help_text(lp_run)


def has_matmul(lp_run):
    """Whether this lp-run takes --matmul=blas|vector|loops."""
    return "--matmul=" in help_text(lp_run)


def has_verbose(lp_run):
    """Whether this lp-run prints the contraction report (--verbose)."""
    return "--verbose" in help_text(lp_run)


REPORT_PREFIXES = ("cpu: ", "openblas: ", "onednn: ", "contractions (", "16-bit products (", "kernel: ")


def contraction_report(stdout):
    """lp-run --verbose's lines on the CPU, the libraries and kernels."""
    return [line for line in stdout.splitlines() if line.startswith(REPORT_PREFIXES)]


def parse_compile_line(text):
    """(pipeline s, jit s) from lp-run's `compile:` line, or (None, None)."""
    m = _COMPILE.search(text)
    return (float(m.group(1)), float(m.group(2))) if m else (None, None)


def _last_float(line):
    """The last field of a line as a float; None for blank or header lines."""
    fields = line.split()
    try:
        return float(fields[-1]) if fields else None
    except ValueError:
        return None


def read_loss_log(path):
    """loss.total of each step, in step order (`step loss... total` lines)."""
    steps = {}
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) >= 2:
                steps[int(fields[0])] = float(fields[-1])
    return [steps[k] for k in sorted(steps)]


def read_step_times(path):
    with open(path) as f:
        return [v for v in (_last_float(line) for line in f) if v is not None]


def forward_loss(lp_run, model, data, params, out_dir, timeout=None,
                 extra_args=()):
    """The model's loss on one batch (lp-run without --train), read at full
    precision from <out_dir>/loss.npy."""
    import numpy as np
    cmd = [lp_run, model, f"--data={data}", f"--params={params}",
           f"--output-dir={out_dir}"] + list(extra_args)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LpError(f"lp-run timed out after {timeout} s\n"
                      f"command: {' '.join(cmd)}")
    if r.returncode != 0:
        raise _exit_error(cmd, r)
    path = os.path.join(out_dir, "loss.npy")
    if not os.path.exists(path):
        raise LpError(f"lp-run wrote no {path}\ncommand: {' '.join(cmd)}")
    return float(np.load(path))


def train(lp_run, workload, data, init, steps, lr, momentum, tmp,
          timeout=None, extra_args=()):
    loss_log = os.path.join(tmp, f"{workload.name}_losses.txt")
    times = os.path.join(tmp, f"{workload.name}_step_ms.txt")
    for path in (loss_log, times):
        if os.path.exists(path):
            os.remove(path)
    native = has_step_times(lp_run)
    cmd = [lp_run, workload.model, "--train", f"--data={data}",
           f"--params={init}", f"--steps={steps}", "--no-shuffle",
           "--optimizer=sgd", f"--lr={lr}", f"--momentum={momentum}",
           f"--loss-log={loss_log}"]
    cmd += [f"--step-times={times}", "--log-every=0"] if native else ["--log-every=1"]
    cmd += ["--verbose"] if has_verbose(lp_run) else []
    cmd += list(extra_args)
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LpError(f"lp-run timed out after {timeout} s\n"
                      f"command: {' '.join(cmd)}")
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise _exit_error(cmd, r)
    if not os.path.exists(loss_log):
        raise LpError(f"lp-run wrote no loss log\ncommand: {' '.join(cmd)}")
    losses = read_loss_log(loss_log)
    pipeline_s, jit_s = parse_compile_line(r.stdout + r.stderr)
    if native:
        step_ms = read_step_times(times) if os.path.exists(times) else []
        method = "lp-run --step-times (compiled call only)"
    else:
        step_ms = [workload.batch / float(eps) * 1e3
                   for _, eps in _PROGRESS.findall(r.stdout) if float(eps) > 0]
        method = ("lp-run progress lines, batch/(examples/s) (this lp-run has "
                  "no --step-times; includes batch copy and loss-log write)")
        if len(step_ms) != steps:
            step_ms = [wall * 1e3 / max(steps, 1)] * steps
            method = ("whole lp-run process / steps (includes compile; no "
                      "--step-times and no usable progress lines)")
    if len(losses) != steps:
        raise LpError(f"lp-run logged {len(losses)} losses for {steps} steps")
    if len(step_ms) != steps:
        raise LpError(f"lp-run reported {len(step_ms)} step times for {steps} steps")
    return LpResult(losses, step_ms, method, pipeline_s, jit_s, wall,
                    " ".join(cmd), contraction_report(r.stdout))
