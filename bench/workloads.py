"""The benchmark workloads: model MLIR, initial weights and data, by name.

A workload is everything the three frameworks need to run the same training
step on the same numbers: the lp model file, the model's arguments as read
from its signature, seeded initial weights keyed by `lp.name`, and a small
dataset of `n_batches` batches that every framework cycles through in the
same order (step s uses batch s % n_batches, as `lp-run --no-shuffle` does
when the data holds exactly n_batches batches).
"""

import dataclasses
import math
import os
import re
import subprocess
import sys
import zlib

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NAMES = ("digits_mlp", "large_mlp", "char_lm", "image_cnn")

# char_lm shape (issue 8): gen_char_lm.py options.
CHAR_LM = dict(blocks=2, d_model=128, heads=4, seq=64, batch=32, vocab=96,
               mlp_ratio=4)
LARGE_MLP_SIZES = (1024, 4096, 4096, 1024)
# A small image CNN (not one of issue 8's goals; it measures the conv
# lowering): 3x32x32 inputs, two conv 3x3 pad 1 + ReLU + max-pool 2x2
# stages, linear to 10 classes, cross entropy.
IMAGE_CNN = dict(batch=32, channels=(3, 32, 64), size=32, classes=10)
LARGE_MLP_BATCH = 256
MASK_VALUE = -1e9


@dataclasses.dataclass
class Arg:
    """One argument of the model function, from its signature."""
    name: str
    role: str
    shape: tuple
    dtype: np.dtype
    init: str


@dataclasses.dataclass
class Workload:
    name: str
    kind: str                 # "mlp_ce", "mlp_mse" or "char_lm"
    model: str                # path of the .mlir model
    args: list                # [Arg] in signature order
    batch: int
    examples: dict            # name -> [n_batches * batch, ...] (lp-run --data)
    fixed: dict               # name -> array with the argument's exact shape
    data_note: str
    flops_per_step: float = 0.0
    flops_note: str = ""
    heads: int = 0            # attention heads (char_lm)
    rtol: float = 1e-4        # loss checks against LP

    @property
    def n_batches(self):
        return len(next(iter(self.examples.values()))) // self.batch

    def params_spec(self):
        return [a for a in self.args if a.role == "param"]

    def get_batch(self, k):
        """The arrays of batch k (k < n_batches), shaped like the model's
        arguments, plus the fixed inputs."""
        out = dict(self.fixed)
        for a in self.args:
            if a.name in self.examples:
                rows = self.examples[a.name][k * self.batch:(k + 1) * self.batch]
                out[a.name] = rows.reshape(a.shape)
        return out


_DTYPES = {"f32": np.float32, "f64": np.float64, "i64": np.int64,
           "i32": np.int32}


def read_signature(path):
    """The arguments of the (only) function in an lp model file."""
    with open(path) as f:
        text = f.read()
    start = text.find("func.func @")
    if start < 0:
        raise ValueError(f"{path}: no func.func")
    end = text.find("->", start)
    header = text[start:end]
    args = []
    for m in re.finditer(r"%[\w.$-]+\s*:\s*tensor<([^>]*)>\s*(\{[^}]*\})?",
                         header):
        *dims, elem = m.group(1).split("x")
        attrs = dict(re.findall(r'([\w.]+)\s*=\s*"([^"]*)"', m.group(2) or ""))
        if elem not in _DTYPES:
            raise ValueError(f"{path}: unsupported element type {elem}")
        args.append(Arg(name=attrs.get("lp.name", f"arg{len(args)}"),
                        role=attrs.get("lp.role", "input"),
                        shape=tuple(int(d) for d in dims),
                        dtype=np.dtype(_DTYPES[elem]),
                        init=attrs.get("lp.init", "zeros")))
    if not args:
        raise ValueError(f"{path}: no arguments found in the signature")
    return args


def _fans(shape):
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) == 4:
        rf = shape[2] * shape[3]
        return shape[1] * rf, shape[0] * rf
    n = int(np.prod(shape)) if shape else 1
    return n, n


def init_param(arg, seed):
    """Seeded numpy values for one param, following its lp.init spec (the
    distribution, not LP's exact stream: every framework gets these)."""
    rng = np.random.default_rng([seed, zlib.crc32(arg.name.encode())])
    spec, shape = arg.init.replace(" ", ""), arg.shape
    m = re.fullmatch(r"(\w+)(?:\(([^)]*)\))?", spec)
    if not m:
        raise ValueError(f"param {arg.name}: cannot read lp.init '{arg.init}'")
    kind = m.group(1)
    vals = [float(v) for v in m.group(2).split(",")] if m.group(2) else []
    if kind == "zeros":
        x = np.zeros(shape)
    elif kind == "ones":
        x = np.ones(shape)
    elif kind == "constant":
        x = np.full(shape, vals[0])
    elif kind == "normal":
        mean, std = (0.0, vals[0]) if len(vals) == 1 else vals
        x = rng.normal(mean, std, shape)
    elif kind == "uniform":
        x = rng.uniform(vals[0], vals[1], shape)
    elif kind in ("glorot_uniform", "glorot_normal"):
        fan_in, fan_out = _fans(shape)
        if kind == "glorot_uniform":
            lim = math.sqrt(6.0 / (fan_in + fan_out))
            x = rng.uniform(-lim, lim, shape)
        else:
            x = rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), shape)
    else:
        raise ValueError(f"param {arg.name}: unknown lp.init '{arg.init}'")
    return np.asarray(x, dtype=arg.dtype)


def init_params(workload, seed):
    return {a.name: init_param(a, seed) for a in workload.params_spec()}


def probe_params(workload, seed):
    """Weights for the forward model check: large enough that every part of
    the model moves the loss (at GPT-2 init the char LM's loss is within
    1e-4 of ln 96 whatever the attention does). Normal linear weights with
    std 1/sqrt(fan_in), embeddings std 1, gamma 1 + std 0.2, biases and
    beta std 0.2."""
    out = {}
    for a in workload.params_spec():
        rng = np.random.default_rng([seed, 99, zlib.crc32(a.name.encode())])
        if a.name.endswith("gamma"):
            x = 1.0 + rng.normal(0, 0.2, a.shape)
        elif len(a.shape) == 2 and "emb" in a.name:
            x = rng.normal(0, 1.0, a.shape)
        elif len(a.shape) == 2:
            x = rng.normal(0, 1.0 / math.sqrt(a.shape[0]), a.shape)
        else:
            x = rng.normal(0, 0.2, a.shape)
        out[a.name] = np.asarray(x, dtype=a.dtype)
    return out


def _mlp_flops(sizes, batch):
    per = sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    first = sizes[0] * sizes[1]
    note = (f"6*B*sum(in*out) = 6*{batch}*{per} (fwd, weight-grad and "
            f"input-grad matmuls of every layer; the first layer's input grad, "
            f"2*B*{first}, is counted though nobody needs it)")
    return 6.0 * batch * per, note


def _tensor(*dims, e="f32"):
    """The MLIR tensor type with these dimensions, e.g. tensor<4x8xf32>."""
    return "tensor<" + "x".join(str(d) for d in dims) + f"x{e}>"


def large_mlp_mlir(sizes=LARGE_MLP_SIZES, batch=LARGE_MLP_BATCH):
    """The large MLP in the lp dialect: ReLU between layers, MSE loss."""
    t = _tensor
    n = len(sizes) - 1
    lines = [
        f"// Large MLP {'-'.join(map(str, sizes))}, ReLU, MSE loss, batch "
        f"{batch} (generated by bench/workloads.py).",
        "func.func @large_mlp(",
        f'    %x: {t(batch, sizes[0])} {{lp.role = "input", lp.name = "x"}},',
        f'    %t: {t(batch, sizes[-1])} {{lp.role = "label", lp.name = "t"}},',
    ]
    params = []
    for i in range(n):
        k, m = sizes[i], sizes[i + 1]
        params.append(f'    %w{i + 1}: {t(k, m)} {{lp.role = "param", '
                      f'lp.name = "fc{i + 1}.w", lp.init = "glorot_uniform"}}')
        params.append(f'    %b{i + 1}: {t(m)} {{lp.role = "param", '
                      f'lp.name = "fc{i + 1}.b", lp.init = "zeros"}}')
    lines.append(",\n".join(params) + ")")
    lines.append('    -> (tensor<f32> {lp.name = "loss"}) {')
    cur = "%x"
    for i in range(n):
        k, m = sizes[i], sizes[i + 1]
        layer = f"fc{i + 1}"
        lines.append(f"  %h{i + 1} = lp.linear {cur}, %w{i + 1}, %b{i + 1} "
                     f'{{lp.layer = "{layer}"}} : ({t(batch, k)}, {t(k, m)}, '
                     f"{t(m)}) -> {t(batch, m)}")
        cur = f"%h{i + 1}"
        if i + 1 < n:
            lines.append(f"  %a{i + 1} = lp.relu {cur} {{lp.layer = \"{layer}\"}}"
                         f" : ({t(batch, m)}) -> {t(batch, m)}")
            cur = f"%a{i + 1}"
    lines.append(f'  %loss = lp.mse_loss {cur}, %t {{lp.layer = "loss"}} : '
                 f"({t(batch, sizes[-1])}, {t(batch, sizes[-1])}) -> tensor<f32>")
    lines.append("  return %loss : tensor<f32>")
    lines.append("}")
    return "\n".join(lines) + "\n"


def image_cnn_mlir(c=IMAGE_CNN):
    """The image CNN in the lp dialect (NCHW, filters [F, C, 3, 3])."""
    t = _tensor
    b, (c0, c1, c2), n, k = c["batch"], c["channels"], c["size"], c["classes"]
    flat = c2 * (n // 4) ** 2
    lines = [
        f"// Image CNN {c0}x{n}x{n} -> conv {c1} -> pool -> conv {c2} -> pool "
        f"-> linear {k}, batch {b} (generated by bench/workloads.py).",
        "func.func @image_cnn(",
        f'    %x: {t(b, c0, n, n)} {{lp.role = "input", lp.name = "x"}},',
        f'    %y: {t(b, e="i64")} {{lp.role = "label", lp.name = "y"}},',
        f'    %w1: {t(c1, c0, 3, 3)} {{lp.role = "param", lp.name = "conv1.w", lp.init = "glorot_uniform"}},',
        f'    %b1: {t(c1)} {{lp.role = "param", lp.name = "conv1.b", lp.init = "zeros"}},',
        f'    %w2: {t(c2, c1, 3, 3)} {{lp.role = "param", lp.name = "conv2.w", lp.init = "glorot_uniform"}},',
        f'    %b2: {t(c2)} {{lp.role = "param", lp.name = "conv2.b", lp.init = "zeros"}},',
        f'    %w3: {t(flat, k)} {{lp.role = "param", lp.name = "fc.w", lp.init = "glorot_uniform"}},',
        f'    %b3: {t(k)} {{lp.role = "param", lp.name = "fc.b", lp.init = "zeros"}})',
        '    -> (tensor<f32> {lp.name = "loss"}) {',
    ]
    cur, size = "%x", n
    for i, (ci, co) in enumerate(((c0, c1), (c1, c2)), start=1):
        lines += [
            f'  %c{i} = lp.conv2d {cur}, %w{i}, %b{i} {{lp.layer = "conv{i}", '
            f"stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}} : "
            f"({t(b, ci, size, size)}, {t(co, ci, 3, 3)}, {t(co)}) -> {t(b, co, size, size)}",
            f'  %r{i} = lp.relu %c{i} {{lp.layer = "conv{i}"}} : '
            f"({t(b, co, size, size)}) -> {t(b, co, size, size)}",
            f'  %p{i} = lp.max_pool2d %r{i} {{lp.layer = "pool{i}", kernel = '
            f"array<i64: 2, 2>}} : ({t(b, co, size, size)}) -> "
            f"{t(b, co, size // 2, size // 2)}",
        ]
        cur, size = f"%p{i}", size // 2
    lines += [
        f'  %flat = lp.reshape %p2 {{lp.layer = "flatten"}} : '
        f"({t(b, c2, size, size)}) -> {t(b, flat)}",
        f'  %logits = lp.linear %flat, %w3, %b3 {{lp.layer = "fc"}} : '
        f"({t(b, flat)}, {t(flat, k)}, {t(k)}) -> {t(b, k)}",
        f'  %loss = lp.cross_entropy %logits, %y {{lp.layer = "loss"}} : '
        f'({t(b, k)}, {t(b, e="i64")}) -> tensor<f32>',
        "  return %loss : tensor<f32>",
        "}",
    ]
    return "\n".join(lines) + "\n"


def char_lm_mlir(path, blocks=None):
    """Writes the char LM of issue 8 (with `blocks` blocks) to `path`."""
    c = dict(CHAR_LM, blocks=blocks or CHAR_LM["blocks"])
    cmd = [sys.executable, os.path.join(REPO, "scripts", "gen_char_lm.py"),
           "--blocks", str(c["blocks"]), "--d-model", str(c["d_model"]),
           "--heads", str(c["heads"]), "--seq", str(c["seq"]),
           "--batch", str(c["batch"]), "--vocab", str(c["vocab"]),
           "--mlp-ratio", str(c["mlp_ratio"]), "-o", path]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr}")


def causal_mask(t):
    above = np.triu(np.ones((t, t), dtype=bool), k=1)
    return np.where(above, MASK_VALUE, 0.0).astype(np.float32)


def char_lm_examples(n_batches, seed, batch=CHAR_LM["batch"],
                     seq=CHAR_LM["seq"], vocab=CHAR_LM["vocab"]):
    """Synthetic token windows and their next tokens, [N, T] each."""
    rng = np.random.default_rng([seed, 7])
    n = n_batches * batch
    stream = rng.integers(0, vocab, n * seq + 1, dtype=np.int64)
    return {"tokens": stream[:-1].reshape(n, seq),
            "y": stream[1:].reshape(n, seq)}


def char_lm_fixed(d_model=CHAR_LM["d_model"], heads=CHAR_LM["heads"],
                  seq=CHAR_LM["seq"]):
    return {"causal_mask": causal_mask(seq),
            "attn_scale": np.array(1.0 / math.sqrt(d_model // heads),
                                   np.float32)}


def _digits_examples(n_batches, batch, seed):
    path = os.path.join(REPO, "examples", "data", "digits_train.npz")
    if not os.path.exists(path):
        script = os.path.join(REPO, "scripts", "export_data.py")
        subprocess.run([sys.executable, script], capture_output=True)
    if os.path.exists(path):
        with np.load(path) as d:
            x, y = d["x"], d["y"]
        n_batches = min(n_batches, len(x) // batch)
        n = n_batches * batch
        return ({"x": x[:n].astype(np.float32), "y": y[:n].astype(np.int64)},
                f"examples/data/digits_train.npz, first {n} examples")
    rng = np.random.default_rng([seed, 5])
    n = n_batches * batch
    return ({"x": rng.uniform(0, 1, (n, 64)).astype(np.float32),
             "y": rng.integers(0, 10, n, dtype=np.int64)},
            f"synthetic ({n} examples; digits_train.npz missing and "
            f"scripts/export_data.py failed)")


def make(name, tmp, seed=0):
    """Builds workload `name`, writing generated models into `tmp`."""
    if name == "digits_mlp":
        model = os.path.join(REPO, "examples", "digits_mlp.mlir")
        args = read_signature(model)
        examples, note = _digits_examples(22, 64, seed)
        flops, fnote = _mlp_flops((64, 128, 128, 10), 64)
        return Workload(name, "mlp_ce", model, args, 64, examples, {}, note,
                        flops, fnote)
    if name == "large_mlp":
        model = os.path.join(tmp, "large_mlp.mlir")
        with open(model, "w") as f:
            f.write(large_mlp_mlir())
        args = read_signature(model)
        b, n_batches = LARGE_MLP_BATCH, 4
        rng = np.random.default_rng([seed, 6])
        n = n_batches * b
        examples = {
            "x": rng.normal(0, 1, (n, LARGE_MLP_SIZES[0])).astype(np.float32),
            "t": rng.normal(0, 1, (n, LARGE_MLP_SIZES[-1])).astype(np.float32),
        }
        flops, fnote = _mlp_flops(LARGE_MLP_SIZES, b)
        # rtol: LP's mse_loss sums the 262144 squared errors sequentially in
        # f32, about 8e-5 relative off the float64 value here (JAX and
        # PyTorch agree with float64 to 1e-7).
        return Workload(name, "mlp_mse", model, args, b, examples, {},
                        f"synthetic N(0,1) x and t ({n} examples)", flops, fnote,
                        rtol=1e-3)
    if name == "char_lm":
        model = os.path.join(tmp, "char_lm.mlir")
        c = CHAR_LM  # read now: bench_train_step --char-lm-size updates it
        char_lm_mlir(model, c["blocks"])
        args = read_signature(model)
        examples = char_lm_examples(8, seed, c["batch"], c["seq"], c["vocab"])
        return Workload(name, "char_lm", model, args, CHAR_LM["batch"],
                        examples,
                        char_lm_fixed(c["d_model"], c["heads"], c["seq"]),
                        f"synthetic uniform tokens in [0, {CHAR_LM['vocab']}) "
                        f"({8 * CHAR_LM['batch']} windows of {CHAR_LM['seq']})",
                        heads=CHAR_LM["heads"])
    if name == "image_cnn":
        c = IMAGE_CNN
        model = os.path.join(tmp, "image_cnn.mlir")
        with open(model, "w") as f:
            f.write(image_cnn_mlir())
        args = read_signature(model)
        n = 4 * c["batch"]
        rng = np.random.default_rng([seed, 7])
        examples = {
            "x": rng.uniform(0, 1, (n, c["channels"][0], c["size"], c["size"]))
                    .astype(np.float32),
            "y": rng.integers(0, c["classes"], n, dtype=np.int64),
        }
        return Workload(name, "cnn_ce", model, args, c["batch"], examples, {},
                        f"synthetic uniform images and labels ({n} examples)")
    raise ValueError(f"unknown workload '{name}' (known: {', '.join(NAMES)})")


def write_probe_inputs(workload, params, tmp):
    """--data (batch 0, shaped like the arguments) and --params files for
    the forward model check."""
    data = os.path.join(tmp, f"{workload.name}_probe_batch.npz")
    init = os.path.join(tmp, f"{workload.name}_probe_params.npz")
    np.savez(data, **workload.get_batch(0))
    np.savez(init, **params)
    return data, init


def write_lp_inputs(workload, params, tmp):
    """The --data and --params files for lp-run."""
    data = os.path.join(tmp, f"{workload.name}_data.npz")
    init = os.path.join(tmp, f"{workload.name}_init.npz")
    np.savez(data, **workload.examples, **workload.fixed)
    np.savez(init, **params)
    return data, init
