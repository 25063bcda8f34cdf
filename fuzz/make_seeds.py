#!/usr/bin/env python3
"""Writes the seed corpora of the model and binding fuzz targets.

  python3 fuzz/make_seeds.py [--lp-opt build/bin/lp-opt]

fuzz/corpus/model/seed-*: every model of examples/ and every split
(`// -----`) of the lit tests under test/, each behind one pipeline byte
(ModelFuzzer.cpp's table, chosen by a hash of the seed's name, so that
every pipeline has seeds and adding a test leaves the other seeds alone;
the examples also go through the train-step and lowering pipelines).

fuzz/corpus/binding/seed-*: the signature documents lp-opt embeds for the
examples (model, train step and eval function), each followed by a NUL and
an .npz archive that numpy writes for it: a matching batch (stored and
deflated), parameters (archives over 64 KiB are left out), and one archive with a wrong dtype, an out-of-range
label and an unknown name.

Seeds are deterministic; reproducers of fixed bugs live beside them as
repro-*, written by hand when the bug is fixed.
"""
import argparse
import glob
import io
import json
import os
import re
import subprocess
import zlib

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# ModelFuzzer.cpp's kPipelines: its length, and the indices the examples
# also use (train step with adam, bf16 train step + lowering, lowering).
PIPELINES = 55
EXAMPLE_PIPELINES = [0, 28, 29, 32, 33, 40, 42, 43, 45, 47, 52, 53, 54]


def model_seeds(out):
    n = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.mlir"))):
        text = open(path).read()
        name = os.path.splitext(os.path.basename(path))[0]
        for p in EXAMPLE_PIPELINES:
            write(out, f"seed-{name}-{p:02d}", bytes([p]) + text.encode())
            n += 1
    tests = sorted(glob.glob(os.path.join(ROOT, "test", "**", "*.mlir"),
                             recursive=True))
    for path in tests:
        rel = os.path.relpath(path, os.path.join(ROOT, "test"))
        stem = re.sub(r"[^A-Za-z0-9]+", "-", os.path.splitext(rel)[0])
        for i, chunk in enumerate(open(path).read().split("// -----")):
            body = "\n".join(l for l in chunk.splitlines()
                             if not l.lstrip().startswith("// "))
            if "func.func" not in body:
                continue
            name = f"seed-{stem}-{i}"
            # The pipeline byte depends on the seed's name only, so that a
            # new test does not change the existing seeds.
            write(out, name, bytes([zlib.crc32(name.encode()) % PIPELINES]) + body.encode())
            n += 1
    return n


def signatures(lp_opt, model):
    lowered = subprocess.run(
        [lp_opt, model, "--lp-build-train-step", "--lp-lower-to-llvm"],
        check=True, capture_output=True, text=True).stdout
    for m in re.finditer(r'lp_signature_\w+\("((?:[^"\\]|\\.)*)"', lowered):
        text = re.sub(r"\\([0-9A-Fa-f]{2})",
                      lambda h: chr(int(h.group(1), 16)), m.group(1))
        yield json.loads(text.rstrip("\0"))


DTYPES = {"float32": np.float32, "float64": np.float64, "int32": np.int32,
          "int64": np.int64, "float16": np.float16}


def array_for(slot, rng):
    shape = slot["shape"]
    dtype = DTYPES.get(slot["dtype"], np.float32)
    if "index_bound" in slot:
        return rng.integers(0, slot["index_bound"], shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def npz(arrays, compressed):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return buf.getvalue()


def binding_seeds(out, lp_opt):
    rng = np.random.default_rng(0)
    n = 0
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.mlir"))):
        name = os.path.splitext(os.path.basename(path))[0]
        for sig in signatures(lp_opt, path):
            doc = json.dumps(sig, separators=(",", ":")).encode() + b"\0"
            fn = sig["function"]
            batch = {s["name"]: array_for(s, rng) for s in sig["args"]
                     if s["role"] in ("input", "label")}
            params = {s["name"]: array_for(s, rng) for s in sig["args"]
                      if s["role"] in ("param", "state")}
            bad = dict(batch)
            for s in sig["args"]:
                if s["role"] == "label":
                    bad[s["name"]] = np.full(s["shape"], s.get(
                        "index_bound", 1), np.int64)
                elif s["role"] == "input":
                    bad[s["name"]] = np.zeros(s["shape"], np.float64)
            bad["no_such_argument"] = np.zeros(3, np.float32)
            for kind, data in (("batch", npz(batch, False)),
                               ("batch-deflated", npz(batch, True)),
                               ("params", npz(params, True)),
                               ("bad", npz(bad, True))):
                if len(data) > 64 << 10:  # keep the corpus small
                    continue
                write(out, f"seed-{name}-{fn}-{kind}", doc + data)
                n += 1
    return n


def write(out, name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lp-opt", default=os.path.join(ROOT, "build", "bin",
                                                     "lp-opt"))
    args = ap.parse_args()
    for target in ("model", "binding"):
        d = os.path.join(ROOT, "fuzz", "corpus", target)
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "seed-*")):
            os.remove(old)
    print("model seeds:", model_seeds(os.path.join(ROOT, "fuzz", "corpus",
                                                   "model")))
    print("binding seeds:", binding_seeds(
        os.path.join(ROOT, "fuzz", "corpus", "binding"), args.lp_opt))


if __name__ == "__main__":
    main()
