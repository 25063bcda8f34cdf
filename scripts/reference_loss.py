#!/usr/bin/env python3
"""Independent float64 NumPy forward passes of the example models.

    python3 scripts/reference_loss.py [--lp-run build/bin/lp-run] [--seed 0]
    python3 scripts/reference_loss.py --aot [--bin build/bin]   # lp-exec

For each example (digits_mlp, digits_cnn, char_lm) it
  1. rebuilds the parameters exactly as `lp-run --seed S` initialises them
     (a Python port of runtime/lib/Initializers.cpp: splitmix64-seeded
     xoshiro256**, one stream per parameter name), computes the loss in
     float64 NumPy, and compares it with the loss lp-run prints;
  2. draws its own random parameters, passes them with `lp-run --params`,
     and compares again (this checks the compiled model, not the initialisers).
Exits 1 if any |lp-run - numpy| exceeds --tol (default 1e-5, absolute).
With --aot each model is compiled ahead of time instead (lp-opt
--lp-lower-to-llvm | lp-translate --lp-to-object, cc -shared) and run by
lp-exec, the runtime alone, with the same arguments.

The model definitions here mirror examples/*.mlir by hand (parameter names
and shapes are read from the .mlir signature).
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
M64 = (1 << 64) - 1

# --------------------------------------------------------------------------
# lp-run's initialisers, ported from runtime/lib/Initializers.cpp
# --------------------------------------------------------------------------


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M64


class Rng:
    def __init__(self, seed):
        self.s = []
        for _ in range(4):
            seed, v = splitmix64(seed)
            self.s.append(v)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & M64, 7) * 9) & M64
        t = (s[1] << 17) & M64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0 ** -53

    def normal(self):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def stream_seed(seed, name):
    h = 1469598103934665603
    for c in name.encode():
        h = ((h ^ c) * 1099511628211) & M64
    return seed ^ h


def fans(shape):
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    rf = int(np.prod(shape[2:]))
    return shape[1] * rf, shape[0] * rf


def init_param(name, shape, init, seed):
    rng = Rng(stream_seed(seed, name))
    n = int(np.prod(shape)) if shape else 1
    m = re.fullmatch(r"\s*(\w+)\s*(?:\((.*)\))?\s*", init)
    kind, args = m.group(1), [float(a) for a in (m.group(2) or "").split(",") if a.strip()]
    fi, fo = fans(shape)
    glorot = math.sqrt(2.0 / max(fi + fo, 1))
    if kind in ("zeros", "ones", "constant"):
        v = {"zeros": 0.0, "ones": 1.0}.get(kind, args[0] if args else 0.0)
        vals = [v] * n
    elif kind == "normal":
        mean, std = (args[0], args[1]) if len(args) == 2 else (0.0, args[0])
        vals = [mean + std * rng.normal() for _ in range(n)]
    elif kind == "uniform":
        lo, hi = args
        vals = [lo + (hi - lo) * rng.uniform() for _ in range(n)]
    elif kind == "glorot_uniform":
        vals = [(2.0 * rng.uniform() - 1.0) * glorot * math.sqrt(3.0) for _ in range(n)]
    elif kind == "glorot_normal":
        vals = [glorot * rng.normal() for _ in range(n)]
    else:
        raise ValueError(init)
    return np.array(vals, dtype=np.float64).astype(np.float32).reshape(shape)


ARG_RE = re.compile(r"%\w+:\s*tensor<([0-9x]*?)x?(f32|i64)>\s*\{([^}]*)\}")


def read_params(path):
    """(name, shape, init) of every lp.role = "param" argument."""
    out = []
    for m in ARG_RE.finditer(open(path).read()):
        dims, attrs = m.group(1), m.group(3)
        if 'lp.role = "param"' not in attrs:
            continue
        shape = [int(d) for d in dims.split("x") if d]
        name = re.search(r'lp.name = "([^"]+)"', attrs).group(1)
        init = re.search(r'lp.init = "([^"]+)"', attrs)
        out.append((name, shape, init.group(1) if init else "zeros"))
    return out


# --------------------------------------------------------------------------
# float64 forward passes
# --------------------------------------------------------------------------


def cross_entropy(logits, y):
    m = logits.max(-1, keepdims=True)
    lse = np.log(np.exp(logits - m).sum(-1)) + m[:, 0]
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def relu(x):
    return np.maximum(x, 0)


def mlp_loss(p, d):
    h = relu(d["x"] @ p["fc1.w"] + p["fc1.b"])
    h = relu(h @ p["fc2.w"] + p["fc2.b"])
    return cross_entropy(h @ p["fc3.w"] + p["fc3.b"], d["y"])


def conv2d(x, w, b, pad):
    n, c, hh, ww = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    oh, ow = hh + 2 * pad - kh + 1, ww + 2 * pad - kw + 1
    out = np.zeros((n, f, oh, ow))
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nchw,fc->nfhw", xp[:, :, i:i + oh, j:j + ow], w[:, :, i, j])
    return out + b[None, :, None, None]


def max_pool2(x):
    n, c, h, w = x.shape
    return x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))


def cnn_loss(p, d):
    h = max_pool2(relu(conv2d(d["x"], p["conv1.w"], p["conv1.b"], 1)))
    h = max_pool2(relu(conv2d(h, p["conv2.w"], p["conv2.b"], 1)))
    h = h.reshape(h.shape[0], -1)
    return cross_entropy(h @ p["fc.w"] + p["fc.b"], d["y"])


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * g + b


def gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def lm_loss(p, d, heads=4):
    tok = d["tokens"]
    B, T = tok.shape
    D = p["tok_emb.w"].shape[1]
    Dh = D // heads
    h = (p["tok_emb.w"][tok] + p["pos_emb.w"]).reshape(B * T, D)
    nblk = len({k.split(".")[0] for k in p if k.startswith("blk")})
    for i in range(nblk):
        q = lambda n: p[f"blk{i}.{n}"]  # noqa: E731
        a = layer_norm(h, q("ln1.gamma"), q("ln1.beta"))
        split = lambda t: t.reshape(B, T, heads, Dh).transpose(0, 2, 1, 3)  # noqa: E731
        qq = split(a @ q("attn.q.w") + q("attn.q.b"))
        kk = split(a @ q("attn.k.w") + q("attn.k.b"))
        vv = split(a @ q("attn.v.w") + q("attn.v.b"))
        s = qq @ kk.transpose(0, 1, 3, 2) * d["attn_scale"] + d["causal_mask"]
        o = (softmax(s) @ vv).transpose(0, 2, 1, 3).reshape(B * T, D)
        h = h + o @ q("attn.o.w") + q("attn.o.b")
        a = layer_norm(h, q("ln2.gamma"), q("ln2.beta"))
        h = h + gelu_tanh(a @ q("mlp.fc1.w") + q("mlp.fc1.b")) @ q("mlp.fc2.w") + q("mlp.fc2.b")
    h = layer_norm(h, p["ln_f.gamma"], p["ln_f.beta"])
    return cross_entropy(h @ p["head.w"] + p["head.b"], d["y"])


MODELS = [
    ("digits_mlp", "digits_batch.npz", mlp_loss),
    ("digits_cnn", "digits_cnn_batch.npz", cnn_loss),
    ("char_lm", "chars_batch.npz", lm_loss),
]


def compile_aot(bin_dir, model, out_dir):
    """model.mlir -> out_dir/model.so, the documented ahead-of-time commands."""
    obj = os.path.join(out_dir, "model.o")
    so = os.path.join(out_dir, "model.so")
    opt = subprocess.run([os.path.join(bin_dir, "lp-opt"), model, "--lp-lower-to-llvm"], capture_output=True)
    if opt.returncode:
        raise RuntimeError(opt.stderr.decode())
    for cmd, stdin in (([os.path.join(bin_dir, "lp-translate"), "--lp-to-object", "-o", obj], opt.stdout),
                       (["cc", "-shared", obj, "-o", so, "-L/usr/lib/llvm-22/lib", "-l:libomp.so.5", "-lmvec"], None)):
        out = subprocess.run(cmd, input=stdin, capture_output=True)
        if out.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr.decode()}")
    return so


def run_lp(lp_run, model, data, seed, params=None):
    """The loss lp-run (or lp-exec, with model a shared object) computes,
    read back at full float32 precision from --output-dir (stdout shows
    only 6 significant digits)."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [lp_run, model, "--data=" + data, "--seed=" + str(seed),
               "--output-dir=" + tmp]
        if params:
            cmd += ["--params=" + params]
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout}{out.stderr}")
        return float(np.load(os.path.join(tmp, "loss.npy")))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lp-run", default=os.path.join(REPO, "build", "bin", "lp-run"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tol", type=float, default=1e-5)
    ap.add_argument("--aot", action="store_true", help="compile ahead of time and run with lp-exec")
    ap.add_argument("--bin", default=os.path.join(REPO, "build", "bin"), help="lp-opt, lp-translate, lp-exec (--aot)")
    ap.add_argument("models", nargs="*", help="subset of " + ", ".join(m[0] for m in MODELS))
    args = ap.parse_args()
    ok = True
    aot_dir = tempfile.TemporaryDirectory()
    runner = os.path.join(args.bin, "lp-exec") if args.aot else args.lp_run
    for name, batch, fwd in MODELS:
        if args.models and name not in args.models:
            continue
        model = os.path.join(REPO, "examples", name + ".mlir")
        data_path = os.path.join(REPO, "examples", "data", batch)
        with np.load(data_path) as z:
            data = {k: (z[k].astype(np.float64) if z[k].dtype.kind == "f" else z[k]) for k in z.files}
        specs = read_params(model)
        # 1. lp-run's own initialisation, reproduced here.
        p32 = {n: init_param(n, s, i, args.seed) for n, s, i in specs}
        ref = fwd({k: v.astype(np.float64) for k, v in p32.items()}, data)
        try:
            compiled = compile_aot(args.bin, model, aot_dir.name) if args.aot else model
            got = run_lp(runner, compiled, data_path, args.seed)
        except RuntimeError as e:
            print(f"{name:11s} lp-run FAILED: {str(e).strip()}")
            ok = False
            continue
        # 2. our own weights through --params.
        rng = np.random.default_rng(1234)
        own = {n: (rng.standard_normal(s) * (0.5 if len(s) < 2 else 1 / math.sqrt(s[0] if len(s) == 2 else np.prod(s[1:]))))
               .astype(np.float32) for n, s, _ in specs}
        ref2 = fwd({k: v.astype(np.float64) for k, v in own.items()}, data)
        with tempfile.TemporaryDirectory() as tmp:
            pfile = os.path.join(tmp, "params.npz")
            np.savez(pfile, **own)
            got2 = run_lp(runner, compiled, data_path, args.seed, pfile)
        for what, g, r in (("lp.init seed %d" % args.seed, got, ref), ("--params random", got2, ref2)):
            diff = abs(g - r)
            good = diff <= args.tol
            ok &= good
            print(f"{name:11s} {what:16s} lp-run {g:.6f}  numpy(f64) {r:.8f}  |diff| {diff:.2e}"
                  f"  {'ok' if good else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
