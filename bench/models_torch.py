"""The benchmark models and train step in PyTorch (eager and torch.compile).

Parameters are a dict of leaf tensors keyed by the lp names with LP's
layouts (linear weights [in, out], y = x W + b), so the same initial arrays
load unchanged. The optimizer is torch.optim.SGD(momentum=0.9), whose
update LP's sgd follows. torch.compile compiles the loss (forward, and the
backward through AOTAutograd); the optimizer step stays eager (foreach).
"""

import torch
import torch.nn.functional as F


def _mlp(params, x):
    n = sum(1 for k in params if k.endswith(".w"))
    for i in range(1, n + 1):
        x = torch.addmm(params[f"fc{i}.b"], x, params[f"fc{i}.w"])
        if i < n:
            x = torch.relu(x)
    return x


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


def _cnn(params, x):
    for i in (1, 2):
        x = F.max_pool2d(torch.relu(F.conv2d(x, params[f"conv{i}.w"],
                                             params[f"conv{i}.b"], padding=1)), 2)
    return torch.addmm(params["fc.b"], x.reshape(x.shape[0], -1), params["fc.w"])


def loss_fn(kind, heads=None):
    """loss(params, batch) for a workload kind."""
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
        autocast=None):
    """Trains `total_steps` steps; returns (losses, per-step seconds).
    With `compile`, the loss goes through torch.compile (errors propagate).
    `autocast` ("bf16" or "f16") runs the loss under torch.autocast on the
    CPU with f32 parameters; f16 adds a GradScaler (dynamic loss scaling)."""
    loss = loss_fn(workload.kind, workload.heads)
    if compile:
        loss = torch.compile(loss)
    scaler = None
    if autocast:
        dtype = {"bf16": torch.bfloat16, "f16": torch.float16}[autocast]
        plain = loss

        def loss(p, bt):
            with torch.autocast("cpu", dtype=dtype):
                return plain(p, bt)
        if autocast == "f16":
            scaler = torch.amp.GradScaler("cpu")
    params = {k: torch.tensor(v, requires_grad=True)
              for k, v in params_np.items()}
    opt = torch.optim.SGD(list(params.values()), lr=lr, momentum=momentum)
    batches = [{k: torch.from_numpy(v.copy()) for k, v in
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
