#!/usr/bin/env python3
"""Generate a pre-LayerNorm character transformer LM in the lp dialect.

    python3 scripts/gen_char_lm.py                   # writes examples/char_lm.mlir
    python3 scripts/gen_char_lm.py --blocks 48 -o /tmp/char_lm_48.mlir
    python3 scripts/gen_char_lm.py -o -              # to stdout

The model (GPT-2 style, all shapes static):

    h = tok_emb[tokens] + pos_emb                    [B, T, D] -> reshape [B*T, D]
    per block i (pre-LN):
      a = LN(h);  q, k, v = a Wq + bq, a Wk + bk, a Wv + bv
      split heads: q, v -> [B, H, T, Dh], k -> [B, H, Dh, T]
      p = softmax(q k * attn_scale + causal_mask)    [B, H, T, T]
      h = h + merge_heads(p v) Wo + bo
      h = h + GELU(LN(h) W1 + b1) W2 + b2            (hidden 4*D)
    logits = LN(h) Wout + bout                       [B*T, V]   (--tied: Wout = tok_emb^T, no bias)
    loss = cross_entropy(logits, y)                  y: next tokens, [B*T]

Constants. The lp dialect has no constant op, so the two non-learned tensors
the attention needs are *inputs* of the model, not params:
  causal_mask  tensor<TxTxf32>  additive mask, 0 where key <= query, -1e9 above
               the diagonal; it broadcasts over [B, H, T, T].
  attn_scale   tensor<f32>      1/sqrt(Dh).
scripts/export_data.py writes both into examples/data/chars_batch.npz (for
T = 32, Dh = 16, i.e. the defaults here). A param with an lp.init could not
express the triangular mask, and would make the scale trainable (it would get
a gradient and optimizer state); an input stays fixed and input-independent.

Initialisers (GPT-2): embeddings and linear weights normal(0.02), the two
residual-branch output projections (attn.o, mlp.fc2) normal(0.02/sqrt(2*blocks)),
biases zeros, layer-norm gamma ones / beta zeros. With these the logits at
init are close to zero and the loss is close to ln(vocab) = ln(96) = 4.564.
"""

import argparse
import math
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def tensor(shape, elem="f32"):
    dims = "x".join(str(d) for d in shape)
    return f"tensor<{dims}x{elem}>" if shape else f"tensor<{elem}>"


def mlir_float(v):
    """`v` as an MLIR float literal: always with a decimal point (1e-05 is
    not one; 1.0e-05 is)."""
    text = repr(float(v))
    mantissa, _, exponent = text.partition("e")
    if "." not in mantissa and mantissa.lstrip("-").isdigit():
        mantissa += ".0"
    return mantissa + ("e" + exponent if exponent else "")


def fmt_float(v):
    return f"{v:.6g}"


class Builder:
    def __init__(self):
        self.args = []  # (ssa, type, attrs)
        self.body = []
        self.counter = 0

    def arg(self, ssa, shape, role, name, init=None, elem="f32"):
        attrs = [f'lp.role = "{role}"', f'lp.name = "{name}"']
        if init is not None:
            attrs.append(f'lp.init = "{init}"')
        self.args.append((ssa, tensor(shape, elem), attrs))
        return (f"%{ssa}", tuple(shape), elem)

    def param(self, ssa, shape, name, init):
        return self.arg(ssa, shape, "param", name, init)

    def op(self, name, operands, result_shape, attrs="", layer=None, hint="t"):
        self.counter += 1
        res = f"%{hint}{self.counter}"
        attr_items = []
        if layer is not None:
            attr_items.append(f'lp.layer = "{layer}"')
        if attrs:
            attr_items.append(attrs)
        attr_text = f" {{{', '.join(attr_items)}}}" if attr_items else ""
        in_types = ", ".join(tensor(o[1], o[2]) for o in operands)
        operand_text = ", ".join(o[0] for o in operands)
        out_type = tensor(result_shape)
        self.body.append(f"  {res} = lp.{name} {operand_text}{attr_text} : "
                         f"({in_types}) -> {out_type}")
        return (res, tuple(result_shape), "f32")


def forward(b, opts, tokens, mask, scale, net=None, last=""):
    """The LM's forward from `tokens` to its logits [B*T, V], built into `b`.
    `net` (a Net) names its weights: the model's own params by default; a
    teacher's weights as read-only state under their own checkpoint names."""
    net = net or Net()
    B, T, D, H = opts.batch, opts.seq, opts.d_model, opts.heads
    V, N = opts.vocab, opts.blocks
    F = opts.mlp_ratio * D
    if D % H:
        sys.exit(f"--d-model {D} is not divisible by --heads {H}")
    Dh = D // H
    std = opts.init_std
    resid_std = std / math.sqrt(2 * N)
    normal = f"normal({fmt_float(std)})"
    resid_normal = f"normal({fmt_float(resid_std)})"
    gelu_attr = ("approximate = #lp<gelu_approximation tanh>"
                 if opts.gelu == "tanh" else "")

    def weight(ssa, shape, name, init):
        return net.weight(b, ssa, shape, name, init)

    def op(name, operands, result_shape, attrs="", layer=None, hint="t"):
        return b.op(name, operands, result_shape, attrs, net.layer(layer), hint)

    wte = weight("tok_emb", [V, D], "tok_emb.w", normal)
    wpe = weight("pos_emb", [T, D], "pos_emb.w", normal)

    def layer_norm(x, prefix):
        g = weight(f"{prefix.replace('.', '_')}_g", [D], f"{prefix}.gamma", "ones")
        be = weight(f"{prefix.replace('.', '_')}_b", [D], f"{prefix}.beta", "zeros")
        return op("layer_norm", [x, g, be], x[1],
                  "epsilon = 1.0e-05 : f64", layer=prefix, hint="ln")

    def linear(x, prefix, k, n, init):
        w = weight(f"{prefix.replace('.', '_')}_w", [k, n], f"{prefix}.w", init)
        bias = weight(f"{prefix.replace('.', '_')}_b", [n], f"{prefix}.b", "zeros")
        return op("linear", [x, w, bias], x[1][:-1] + (n,), layer=prefix,
                  hint="fc")

    b.body.append(f"  // {net.title}Embeddings: token lookup plus learned positions.")
    e = op("embedding", [tokens, wte], [B, T, D], layer="tok_emb", hint="emb")
    e = op("add", [e, wpe], [B, T, D], layer="pos_emb", hint="emb")
    h = op("reshape", [e], [B * T, D], layer="pos_emb", hint="h")

    for i in range(N):
        p = f"blk{i}"
        att = f"{p}.attn"
        b.body.append(f"  // {net.title}Block {i}: causal self-attention ({H} heads of {Dh}).")
        a = layer_norm(h, f"{p}.ln1")
        q = linear(a, f"{att}.q", D, D, normal)
        k = linear(a, f"{att}.k", D, D, normal)
        v = linear(a, f"{att}.v", D, D, normal)
        q = op("reshape", [q], [B, T, H, Dh], layer=att, hint="q")
        q = op("transpose", [q], [B, H, T, Dh],
               "permutation = array<i64: 0, 2, 1, 3>", layer=att, hint="q")
        k = op("reshape", [k], [B, T, H, Dh], layer=att, hint="k")
        k = op("transpose", [k], [B, H, Dh, T],
               "permutation = array<i64: 0, 2, 3, 1>", layer=att, hint="k")
        v = op("reshape", [v], [B, T, H, Dh], layer=att, hint="v")
        v = op("transpose", [v], [B, H, T, Dh],
               "permutation = array<i64: 0, 2, 1, 3>", layer=att, hint="v")
        s = op("matmul", [q, k], [B, H, T, T], layer=att, hint="s")
        s = op("mul", [s, scale], [B, H, T, T], layer=att, hint="s")
        s = op("add", [s, mask], [B, H, T, T], layer=att, hint="s")
        pr = op("softmax", [s], [B, H, T, T], "axis = -1 : i64", layer=att,
                hint="p")
        o = op("matmul", [pr, v], [B, H, T, Dh], layer=att, hint="o")
        o = op("transpose", [o], [B, T, H, Dh],
               "permutation = array<i64: 0, 2, 1, 3>", layer=att, hint="o")
        o = op("reshape", [o], [B * T, D], layer=att, hint="o")
        o = linear(o, f"{att}.o", D, D, resid_normal)
        h = op("add", [h, o], [B * T, D], layer=att, hint="h")
        b.body.append(f"  // {net.title}Block {i}: MLP {D} -> {F} -> {D}.")
        mlp = f"{p}.mlp"
        a = layer_norm(h, f"{p}.ln2")
        f = linear(a, f"{mlp}.fc1", D, F, normal)
        f = op("gelu", [f], [B * T, F], gelu_attr, layer=mlp, hint="g")
        f = linear(f, f"{mlp}.fc2", F, D, resid_normal)
        h = op("add", [h, f], [B * T, D], layer=mlp, hint="h")

    b.body.append(f"  // {net.title}Final layer norm, output projection{last}.")
    h = layer_norm(h, "ln_f")
    if opts.tied:
        wt = op("transpose", [wte], [D, V], "permutation = array<i64: 1, 0>",
                layer="head", hint="wt")
        return op("linear", [h, wt], [B * T, V], layer="head", hint="logits")
    return linear(h, "head", D, V, normal)


class Net:
    """How one network's weights and layers are named. The default is the
    model itself: params with initialisers, names as given. A teacher
    (frozen=True) reads its weights as `state` under its own checkpoint's
    names, so --params=teacher.npz loads them, and no result updates them."""

    def __init__(self, name="", ssa="", layer="", frozen=False, title=""):
        self.name, self.ssa, self.layer_prefix = name, ssa, layer
        self.frozen, self.title = frozen, title

    def weight(self, b, ssa, shape, name, init):
        if self.frozen:
            return b.arg(self.ssa + ssa, shape, "state", self.name + name)
        return b.param(self.ssa + ssa, shape, self.name + name, init)

    def layer(self, layer):
        return None if layer is None else self.layer_prefix + layer


def generate(opts):
    B, T = opts.batch, opts.seq
    b = Builder()
    tokens = b.arg("tokens", [B, T], "input", "tokens", elem="i64")
    y = b.arg("y", [B * T], "label", "y", elem="i64")
    mask = b.arg("causal_mask", [T, T], "input", "causal_mask")
    scale = b.arg("attn_scale", [], "input", "attn_scale")
    if opts.teacher_blocks:
        return generate_distillation(opts, b, tokens, y, mask, scale)
    logits = forward(b, opts, tokens, mask, scale, last=", next-token loss")
    loss = b.op("cross_entropy", [logits, y], [], layer="loss", hint="loss")
    b.body.append(f"  return {loss[0]} : tensor<f32>")
    return module_text(opts, b, ['tensor<f32> {lp.name = "loss"}'], "")


def generate_distillation(opts, b, tokens, y, mask, scale):
    """The student (the options' model, params named student.*) distilled
    from a teacher LM compiled alongside (--teacher-blocks/-d-model/-heads,
    its weights read-only state named as in its own checkpoint): the
    student's cross entropy and Hinton's KD loss at --kd-temperature,
    PyTorch's kl_div(log_softmax(s/T), log_softmax(t/T), "batchmean",
    log_target=True) * T^2 over the B*T positions."""
    teacher_opts = argparse.Namespace(**vars(opts))
    teacher_opts.blocks, teacher_opts.d_model = opts.teacher_blocks, opts.teacher_d_model
    teacher_opts.heads = opts.teacher_heads
    teacher_opts.mlp_ratio = opts.teacher_mlp_ratio
    teacher_opts.tied = opts.teacher_tied
    if opts.d_model // opts.heads != teacher_opts.d_model // teacher_opts.heads:
        sys.exit("the student's and the teacher's heads must have the same width "
                 "(both read one attn_scale input)")
    t = forward(b, teacher_opts, tokens, mask, scale,
                Net(ssa="t_", layer="teacher.", frozen=True, title="Teacher: "))
    s = forward(b, opts, tokens, mask, scale,
                Net(name="student.", ssa="s_", layer="student.", title="Student: "))
    ce = b.op("cross_entropy", [s, y], [], layer="loss", hint="ce")
    n, temp = opts.batch * opts.seq, opts.kd_temperature
    b.body.append(f"  // KD: T^2 / {n} * sum(p_t * (log p_t - log p_s)), p = softmax(logits / T),"
                  f" T = {fmt_float(temp)}.")
    inv_t = ("%inv_t", (), "f32")
    b.body.append(f"  %inv_t = arith.constant dense<{mlir_float(1.0 / temp)}> : tensor<f32>")
    ts = b.op("mul", [t, inv_t], t[1], layer="kd", hint="kd")
    ss = b.op("mul", [s, inv_t], s[1], layer="kd", hint="kd")
    lpt = b.op("log_softmax", [ts], t[1], "axis = 1 : i64", layer="kd", hint="kd")
    lps = b.op("log_softmax", [ss], s[1], "axis = 1 : i64", layer="kd", hint="kd")
    pt = b.op("exp", [lpt], t[1], layer="kd", hint="kd")
    diff = b.op("sub", [lpt, lps], t[1], layer="kd", hint="kd")
    terms = b.op("mul", [pt, diff], t[1], layer="kd", hint="kd")
    total = b.op("reduce_sum", [terms], [], "axes = array<i64: 0, 1>", layer="kd", hint="kd")
    b.body.append(f"  %kd_scale = arith.constant dense<{mlir_float(temp * temp / n)}> : tensor<f32>")
    kd = b.op("mul", [total, ("%kd_scale", (), "f32")], [], layer="kd", hint="kd")
    b.body.append(f"  return {ce[0]}, {kd[0]} : tensor<f32>, tensor<f32>")
    weights = ", ".join(mlir_float(w) for w in opts.kd_weights)
    return module_text(opts, b, ['tensor<f32> {lp.name = "ce"}', 'tensor<f32> {lp.name = "kd"}'],
                       f" attributes {{lp.loss_weights = [{weights}]}}")


def module_text(opts, b, results, attributes):
    B, T, D, H = opts.batch, opts.seq, opts.d_model, opts.heads
    V, N = opts.vocab, opts.blocks
    cmd = " ".join(["scripts/gen_char_lm.py"] + opts.argv)
    header = [
        f"// Character-level transformer LM: {N} pre-LayerNorm block(s), vocab {V},",
        f"// d_model {D}, {H} heads, sequence {T}, batch {B}, GELU MLP {opts.mlp_ratio}x"
        f" ({opts.gelu}), {'tied' if opts.tied else 'untied'} output projection.",
        f"// Generated by: python3 {cmd}",
        "// Do not edit by hand; see the generator for the model and the inputs",
        "// causal_mask / attn_scale (no constant op in lp, so they are inputs).",
        "//",
        "//   python3 scripts/export_data.py",
        "//   build/bin/lp-run examples/char_lm.mlir --data examples/data/chars_batch.npz",
    ]
    arg_lines = []
    for idx, (ssa, ty, attrs) in enumerate(b.args):
        sep = "," if idx + 1 < len(b.args) else ")"
        arg_lines.append(f"    %{ssa}: {ty} {{{', '.join(attrs)}}}{sep}")
    if opts.teacher_blocks:
        header[0] = (f"// Distillation. The student (params student.*), a character-level transformer LM:"
                     f" {N} block(s), vocab {V},")
        header[2:2] = [
            f"// Its teacher, compiled alongside, its weights read-only state named as in its own checkpoint:",
            f"// {opts.teacher_blocks} block(s), d_model {opts.teacher_d_model}, {opts.teacher_heads} heads,"
            f" GELU MLP {opts.teacher_mlp_ratio}x, {'tied' if opts.teacher_tied else 'untied'} output"
            " projection. Losses: the student's cross entropy and Hinton's KD",
            f"// loss at T = {mlir_float(opts.kd_temperature)}, weighted as lp.loss_weights says."]
        header[-1] = (f"//   build/bin/lp-run {opts.output if opts.output != '-' else 'THIS.mlir'} --train"
                      " --params=teacher.npz --data=... (the teacher's checkpoint)")
    lines = header + [f"func.func @{opts.function}("] + arg_lines + [
        f"    -> ({', '.join(results)}){attributes} {{"] + b.body + ["}"]
    return "\n".join(lines) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(
        description="Generate the character transformer LM (lp dialect).")
    parser.add_argument("--blocks", type=int, default=2)
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--seq", type=int, default=32)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--vocab", type=int, default=96)
    parser.add_argument("--mlp-ratio", type=int, default=4)
    parser.add_argument("--gelu", choices=["none", "tanh"], default="tanh",
                        help="GELU formula (default tanh, as GPT-2)")
    parser.add_argument("--tied", action="store_true",
                        help="tie the output projection to tok_emb (transpose, no bias)")
    parser.add_argument("--init-std", type=float, default=0.02)
    parser.add_argument("--function", default="char_lm")
    parser.add_argument("--teacher-blocks", type=int, default=0,
                        help="distillation: a teacher LM of this many blocks compiled alongside")
    parser.add_argument("--teacher-d-model", type=int, default=64)
    parser.add_argument("--teacher-heads", type=int, default=4)
    parser.add_argument("--teacher-mlp-ratio", type=int, default=4)
    parser.add_argument("--teacher-tied", action="store_true")
    parser.add_argument("--kd-temperature", type=float, default=2.0)
    parser.add_argument("--kd-weights", type=lambda v: [float(w) for w in v.split(",")],
                        default=[0.5, 0.5], help="cross entropy, KD loss weights (default 0.5,0.5)")
    parser.add_argument("-o", "--output",
                        default=os.path.join(REPO, "examples", "char_lm.mlir"),
                        help="output file, '-' for stdout (default examples/char_lm.mlir)")
    opts = parser.parse_args(argv)
    if opts.blocks < 1:
        parser.error("--blocks must be at least 1")
    if opts.teacher_blocks < 0:
        parser.error("--teacher-blocks must be at least 1 (0: no teacher)")
    if not opts.kd_temperature > 0:
        parser.error("--kd-temperature must be positive")
    if len(opts.kd_weights) != 2:
        parser.error("--kd-weights takes two weights: cross entropy, KD")
    # Recorded in the header: the options that shape the model, not -o.
    recorded, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a in ("-o", "--output"):
            skip = True
            continue
        if a.startswith("--output="):
            continue
        recorded.append(a)
    opts.argv = recorded
    text = generate(opts)
    if opts.output == "-":
        sys.stdout.write(text)
    else:
        with open(opts.output, "w") as f:
            f.write(text)
        n_ops = sum(1 for line in text.splitlines() if " = lp." in line)
        print(f"wrote {opts.output}: {opts.blocks} block(s), {n_ops} lp ops",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
