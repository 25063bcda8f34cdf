"""A training loop for long runs from Python (docs/Python.md, "fit"):
batches cut from whole arrays as lp-run cuts them, a progress line,
held-out evaluation, and the loss curve as a PNG."""

from __future__ import annotations

import math
import struct
import sys
import time
import zlib
from typing import Mapping

import numpy as np

from . import Error


def _batches(step, data: Mapping[str, np.ndarray], signature):
    """(slots, examples, batch rows): how `data`'s arrays bind to the
    step's batch arguments. An array of the argument's own shape is bound
    whole every step (a mask); the others hold examples along their first
    dimension, cut `rows` at a time and reshaped to the argument (labels
    [B, T] for a [B*T] argument)."""
    bound = getattr(step, "_bound", {})  # bound by the step itself
    slots = [a for a in signature["args"] if a["role"] in ("input", "label") and a["name"] not in bound]
    missing = [a["name"] for a in slots if a["name"] not in data]
    if missing:
        raise Error(f"the data has no {', '.join(repr(m) for m in missing)}")
    per_example = [a for a in slots if tuple(data[a["name"]].shape) != tuple(a["shape"])]
    if not per_example:
        raise Error("every array of the data has its argument's whole shape: no examples to cut batches from")
    counts = {a["name"]: data[a["name"]].shape[0] for a in per_example}
    if len(set(counts.values())) > 1:
        raise Error(f"the data's arrays hold different numbers of examples: {counts}")
    # Batch rows from an input's first dimension (a label may be flat).
    first = next((a for a in per_example if a["role"] == "input"), per_example[0])
    rows = first["shape"][0]
    examples = counts[first["name"]]
    if examples < rows:
        raise Error(f"the data has {examples} examples, fewer than one batch of {rows}")
    return slots, set(a["name"] for a in per_example), examples, rows


def _batch(data, slots, cut, order, first, rows):
    idx = order[first:first + rows]
    # Consecutive examples are a view (bound without a copy), others gathered.
    rows_of = slice(idx[0], idx[0] + rows) if np.all(np.diff(idx) == 1) else idx
    out = {}
    for a in slots:
        arr = data[a["name"]]
        if a["name"] in cut:
            arr = np.ascontiguousarray(arr[rows_of]).reshape(a["shape"])
        out[a["name"]] = arr
    return out


def evaluate(step, data: Mapping[str, np.ndarray]) -> dict:
    """The eval function over every whole batch of `data`: the mean of
    each loss, and the accuracy where eval returns logits (`logits.<label>`)."""
    sig = step.eval_signature
    if sig is None:
        raise Error("this step has no eval function")
    slots, cut, examples, rows = _batches(step, data, sig)
    order = np.arange(examples)
    sums, correct, count = {}, 0, 0
    for first in range(0, examples - rows + 1, rows):
        batch = _batch(data, slots, cut, order, first, rows)
        out = step.eval(batch)
        for name, value in out.items():
            if name.startswith("logits."):
                label = batch[name[len("logits."):]].reshape(-1)
                pred = np.asarray(value).reshape(label.shape[0], -1).argmax(axis=1)
                correct += int((pred == label).sum())
                count += label.shape[0]
            elif np.asarray(value).size == 1:
                sums[name] = sums.get(name, 0.0) + float(value)
    batches = (examples - rows) // rows + 1
    result = {name: total / batches for name, total in sums.items()}
    if count:
        result["accuracy"] = correct / count
    return result


def fit(step, data: Mapping[str, np.ndarray], steps: int, eval_data: Mapping[str, np.ndarray] | None = None,
        eval_every: int = 0, shuffle: bool = True, seed: int = 0, progress: bool = True,
        plot: str | None = None) -> dict:
    """Trains `step` for `steps` steps on batches of `data` (whole arrays by
    argument name; shuffled per epoch with `seed` unless `shuffle` is
    False, else in order as lp-run --no-shuffle), evaluating on
    `eval_data` every `eval_every` steps and at the end, with a progress
    line on stderr, and writes the loss curve to the PNG `plot`. Returns
    the history: {"step", "loss" (loss.total per step), "eval_step",
    "eval": [dict per evaluation], "skipped": steps loss scaling skipped}."""
    slots, cut, examples, rows = _batches(step, data, step.signature)
    per_epoch = examples // rows
    history = {"step": [], "loss": [], "eval_step": [], "eval": [], "skipped": 0}
    rng = np.random.default_rng(seed)
    order = np.arange(examples)
    start = time.perf_counter()
    for s in range(steps):
        if s % per_epoch == 0:
            order = rng.permutation(examples) if shuffle else np.arange(examples)
        out = step(_batch(data, slots, cut, order, (s % per_epoch) * rows, rows))
        loss = float(out.get("loss.total", out.get("loss", np.nan)))
        if "step.skipped" in out and bool(out["step.skipped"]):
            history["skipped"] += 1  # loss scaling found an overflow
        history["step"].append(s + 1)
        history["loss"].append(loss)
        last = s + 1 == steps
        if eval_data is not None and ((eval_every and (s + 1) % eval_every == 0) or last):
            history["eval_step"].append(s + 1)
            history["eval"].append(evaluate(step, eval_data))
        if progress and (last or s % max(1, steps // 100) == 0):
            done = (s + 1) / steps
            bar = "#" * int(30 * done) + "." * (30 - int(30 * done))
            extra = ""
            if history["eval"]:
                extra = "  " + "  ".join(f"eval {k} {v:.4g}" for k, v in history["eval"][-1].items()
                                         if k in ("loss", "accuracy"))
            sys.stderr.write(f"\rstep {s + 1}/{steps} [{bar}] loss {loss:.4g}  "
                             f"{(time.perf_counter() - start) / (s + 1) * 1e3:.3f} ms/step (with eval){extra}")
            if last:
                sys.stderr.write("\n")
    if plot:
        eval_losses = [(st, e["loss"]) for st, e in zip(history["eval_step"], history["eval"]) if "loss" in e]
        write_loss_png(plot, history["step"], history["loss"], eval_losses)
    return history


def write_loss_png(path: str, steps, losses, eval_points=(), width: int = 640, height: int = 400) -> None:
    """The loss curve (black) and held-out losses (red dots) as an RGB PNG,
    drawn here (no plotting library): the y axis from 0 to the largest
    finite loss, the x axis over the steps, grid lines at quarters."""
    img = np.full((height, width, 3), 255, np.uint8)
    left, right, top, bottom = 40, width - 10, 10, height - 30
    finite = [v for v in list(losses) + [v for _, v in eval_points] if math.isfinite(v)]
    ymax = max(finite) if finite else 1.0
    xmax = max(max(steps) if len(steps) else 1, 1)

    def xy(st, v):
        x = left + (right - left) * (st / xmax)
        y = bottom - (bottom - top) * (min(max(v, 0.0), ymax) / ymax if ymax > 0 else 0)
        return int(round(x)), int(round(y))

    for q in range(5):  # grid and axes
        gy = int(round(bottom - (bottom - top) * q / 4))
        gx = int(round(left + (right - left) * q / 4))
        img[gy, left:right + 1] = (200, 200, 200) if q else (0, 0, 0)
        img[top:bottom + 1, gx] = (200, 200, 200) if q else (0, 0, 0)
    prev = None
    for st, v in zip(steps, losses):
        if not math.isfinite(v):
            prev = None
            continue
        p = xy(st, v)
        if prev is not None:  # a line from prev to p
            n = max(abs(p[0] - prev[0]), abs(p[1] - prev[1]), 1)
            for t in range(n + 1):
                x = prev[0] + (p[0] - prev[0]) * t // n
                y = prev[1] + (p[1] - prev[1]) * t // n
                img[y, x] = (0, 0, 0)
        prev = p
    for st, v in eval_points:
        if math.isfinite(v):
            x, y = xy(st, v)
            img[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3] = (220, 0, 0)
    raw = b"".join(b"\x00" + img[r].tobytes() for r in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))
