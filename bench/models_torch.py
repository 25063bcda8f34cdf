"""The benchmark models and train step in PyTorch (eager and torch.compile).

Parameters are a dict of leaf tensors keyed by the lp names with LP's
layouts (linear weights [in, out], y = x W + b), so the same initial arrays
load unchanged. The optimizer is torch.optim.SGD(momentum=0.9), whose
update LP's sgd follows. torch.compile compiles the loss (forward, and the
backward through AOTAutograd); the optimizer step stays eager (foreach).
"""

import torch
import torch.nn.functional as F


def _same(name, t, axis=None):
    return t


def _mlp(params, x, fq=_same):
    n = sum(1 for k in params if k.endswith(".w"))
    for i in range(1, n + 1):
        x = torch.addmm(params[f"fc{i}.b"], fq(f"fc{i}.in", x), fq(f"fc{i}.w", params[f"fc{i}.w"], 1))
        if i < n:
            x = torch.relu(x)
    return x


class FakeQuantizers:
    """PyTorch's default QAT fake quantization (get_default_qat_qconfig
    ("x86")'s fused observer + fake-quantize modules) for the inputs and
    weights of every product, made on first use: weights per output
    channel (`axis`), symmetric int8; activations per tensor, affine, int8
    [-128, 127] (LP's activation range)."""

    def __init__(self):
        from torch.ao.quantization import fake_quantize as fqm, observer as obs
        self.weight = fqm.FusedMovingAvgObsFakeQuantize.with_args(
            observer=obs.MovingAveragePerChannelMinMaxObserver, quant_min=-128, quant_max=127,
            dtype=torch.qint8, qscheme=torch.per_channel_symmetric)
        self.act = fqm.FusedMovingAvgObsFakeQuantize.with_args(
            observer=obs.MovingAverageMinMaxObserver, quant_min=-128, quant_max=127,
            dtype=torch.qint8, qscheme=torch.per_tensor_affine)
        self.modules = {}

    def __call__(self, name, t, axis=None):
        m = self.modules.get(name)
        if m is None:
            m = self.weight(ch_axis=0) if axis is not None else self.act()
            self.modules[name] = m
        # The fused module's channels are on axis 0 (PyTorch's [out, in]
        # linear layout); LP's [in, out] weights are read transposed.
        if axis == 1:
            return m(t.t()).t()
        return m(t)


def _char_lm(params, batch, heads):
    tokens, mask, scale = batch["tokens"], batch["causal_mask"], batch["attn_scale"]
    b, t = tokens.shape
    d = params["tok_emb.w"].shape[1]
    dh = d // heads
    blocks = sum(1 for k in params if k.endswith(".ln1.gamma"))
    h = F.embedding(tokens, params["tok_emb.w"]) + params["pos_emb.w"]
    h = h.reshape(b * t, d)

    def lin(x, name):
        return torch.addmm(params[f"{name}.b"], x, params[f"{name}.w"])

    def ln(x, name):
        return F.layer_norm(x, (d,), params[f"{name}.gamma"],
                            params[f"{name}.beta"], 1e-5)

    for i in range(blocks):
        p = f"blk{i}"
        a = ln(h, f"{p}.ln1")
        q = lin(a, f"{p}.attn.q").reshape(b, t, heads, dh).permute(0, 2, 1, 3)
        k = lin(a, f"{p}.attn.k").reshape(b, t, heads, dh).permute(0, 2, 3, 1)
        v = lin(a, f"{p}.attn.v").reshape(b, t, heads, dh).permute(0, 2, 1, 3)
        s = torch.matmul(q, k) * scale + mask
        o = torch.matmul(torch.softmax(s, dim=-1), v)
        o = o.permute(0, 2, 1, 3).reshape(b * t, d)
        h = h + lin(o, f"{p}.attn.o")
        a = ln(h, f"{p}.ln2")
        f = F.gelu(lin(a, f"{p}.mlp.fc1"), approximate="tanh")
        h = h + lin(f, f"{p}.mlp.fc2")
    h = ln(h, "ln_f")
    if "head.w" in params:
        logits = lin(h, "head")
    else:  # --tied: the token embedding, transposed, no bias
        logits = h @ params["tok_emb.w"].t()
    return F.cross_entropy(logits, batch["y"])


def _cnn(params, x, fq=_same):
    for i in (1, 2):
        x = F.max_pool2d(torch.relu(F.conv2d(fq(f"conv{i}.in", x), fq(f"conv{i}.w", params[f"conv{i}.w"], 0),
                                             params[f"conv{i}.b"], padding=1)), 2)
    return torch.addmm(params["fc.b"], fq("fc.in", x.reshape(x.shape[0], -1)), fq("fc.w", params["fc.w"], 1))


def loss_fn(kind, heads=None, fq=None):
    """loss(params, batch) for a workload kind; `fq` (FakeQuantizers)
    fake-quantizes the products' operands (MLP and CNN kinds)."""
    if fq is not None:
        if kind == "mlp_ce":
            return lambda p, bt: F.cross_entropy(_mlp(p, bt["x"], fq), bt["y"])
        if kind == "cnn_ce":
            return lambda p, bt: F.cross_entropy(_cnn(p, bt["x"], fq), bt["y"])
        raise ValueError(f"no PyTorch QAT model for kind '{kind}'")
    if kind == "mlp_ce":
        return lambda p, bt: F.cross_entropy(_mlp(p, bt["x"]), bt["y"])
    if kind == "mlp_mse":
        return lambda p, bt: F.mse_loss(_mlp(p, bt["x"]), bt["t"])
    if kind == "char_lm":
        return lambda p, bt: _char_lm(p, bt, heads)
    if kind == "cnn_ce":
        return lambda p, bt: F.cross_entropy(_cnn(p, bt["x"]), bt["y"])
    raise ValueError(f"no PyTorch model for kind '{kind}'")


def forward_loss(workload, params_np, batch_np):
    loss = loss_fn(workload.kind, workload.heads)
    with torch.no_grad():
        return float(loss({k: torch.from_numpy(v) for k, v in params_np.items()},
                          {k: torch.from_numpy(v.copy()) for k, v in batch_np.items()}))


def run(workload, params_np, lr, momentum, total_steps, timer, compile=False,
        autocast=None, qat=False, device="cpu", compile_mode=None):
    """Trains `total_steps` steps; returns (losses, per-step seconds).
    With `compile`, the loss goes through torch.compile (errors propagate;
    `compile_mode` is its mode). `autocast` ("bf16" or "f16") runs the loss
    under torch.autocast on `device` with f32 parameters; f16 adds a
    GradScaler (dynamic loss scaling). `qat` fake-quantizes the products'
    operands (FakeQuantizers). On "cuda" the optimizer is SGD's fused
    implementation, and `timer` should synchronize the device."""
    loss = loss_fn(workload.kind, workload.heads, FakeQuantizers() if qat else None)
    if compile:
        loss = torch.compile(loss, mode=compile_mode)
    scaler = None
    if autocast:
        dtype = {"bf16": torch.bfloat16, "f16": torch.float16}[autocast]
        plain = loss

        def loss(p, bt):
            with torch.autocast(device, dtype=dtype):
                return plain(p, bt)
        if autocast == "f16":
            scaler = torch.amp.GradScaler(device)
    params = {k: torch.tensor(v, requires_grad=True, device=device)
              for k, v in params_np.items()}
    opt = torch.optim.SGD(list(params.values()), lr=lr, momentum=momentum,
                          **({"fused": True} if device == "cuda" else {}))
    batches = [{k: torch.from_numpy(v.copy()).to(device) for k, v in
                workload.get_batch(i).items()}
               for i in range(workload.n_batches)]
    losses, times = [], []
    for s in range(total_steps):
        batch = batches[s % len(batches)]
        t0 = timer()
        opt.zero_grad(set_to_none=True)
        value = loss(params, batch)
        if scaler:
            scaler.scale(value).backward()
            scaler.step(opt)
            scaler.update()
        else:
            value.backward()
            opt.step()
        times.append(timer() - t0)
        losses.append(float(value.detach()))
    return losses, times
