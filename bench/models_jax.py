"""The benchmark models and train step in JAX.

Parameters are a dict keyed by the lp names (`fc1.w`, `blk0.attn.q.w`, ...)
with LP's layouts (linear weights [in, out], y = x W + b). The train step is
one `jax.jit` of value_and_grad plus PyTorch-style SGD with momentum
(buf = momentum * buf + g, p -= lr * buf; buf starts at zero), with the
parameters and momentum buffers donated.
"""

import jax
import jax.numpy as jnp


def _mlp(params, x):
    n = sum(1 for k in params if k.endswith(".w"))
    for i in range(1, n + 1):
        x = x @ params[f"fc{i}.w"] + params[f"fc{i}.b"]
        if i < n:
            x = jax.nn.relu(x)
    return x


def _cross_entropy(logits, labels):
    logp = jax.nn.log_softmax(logits, axis=-1)
    picked = jnp.take_along_axis(logp, labels[:, None], axis=-1)
    return -jnp.mean(picked)


def _layer_norm(x, gamma, beta, eps=1e-5):
    mean = jnp.mean(x, axis=-1, keepdims=True)
    var = jnp.mean(jnp.square(x - mean), axis=-1, keepdims=True)
    return (x - mean) / jnp.sqrt(var + eps) * gamma + beta


def _char_lm(params, batch, heads):
    tokens, mask, scale = batch["tokens"], batch["causal_mask"], batch["attn_scale"]
    b, t = tokens.shape
    d = params["tok_emb.w"].shape[1]
    dh = d // heads
    blocks = sum(1 for k in params if k.endswith(".ln1.gamma"))
    h = (params["tok_emb.w"][tokens] + params["pos_emb.w"]).reshape(b * t, d)

    def lin(x, name):
        return x @ params[f"{name}.w"] + params[f"{name}.b"]

    for i in range(blocks):
        p = f"blk{i}"
        a = _layer_norm(h, params[f"{p}.ln1.gamma"], params[f"{p}.ln1.beta"])
        q = lin(a, f"{p}.attn.q").reshape(b, t, heads, dh).transpose(0, 2, 1, 3)
        k = lin(a, f"{p}.attn.k").reshape(b, t, heads, dh).transpose(0, 2, 3, 1)
        v = lin(a, f"{p}.attn.v").reshape(b, t, heads, dh).transpose(0, 2, 1, 3)
        s = (q @ k) * scale + mask
        o = jax.nn.softmax(s, axis=-1) @ v
        o = o.transpose(0, 2, 1, 3).reshape(b * t, d)
        h = h + lin(o, f"{p}.attn.o")
        a = _layer_norm(h, params[f"{p}.ln2.gamma"], params[f"{p}.ln2.beta"])
        f = jax.nn.gelu(lin(a, f"{p}.mlp.fc1"), approximate=True)
        h = h + lin(f, f"{p}.mlp.fc2")
    h = _layer_norm(h, params["ln_f.gamma"], params["ln_f.beta"])
    if "head.w" in params:
        logits = lin(h, "head")
    else:  # --tied: the token embedding, transposed, no bias
        logits = h @ params["tok_emb.w"].T
    return _cross_entropy(logits, batch["y"])


def _cnn(params, x):
    for i in (1, 2):
        x = jax.lax.conv_general_dilated(
            x, params[f"conv{i}.w"], (1, 1), [(1, 1), (1, 1)],
            dimension_numbers=("NCHW", "OIHW", "NCHW"))
        x = jax.nn.relu(x + params[f"conv{i}.b"][None, :, None, None])
        x = jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 1, 2, 2),
                                  (1, 1, 2, 2), "VALID")
    return x.reshape(x.shape[0], -1) @ params["fc.w"] + params["fc.b"]


def loss_fn(kind, heads=None):
    """loss(params, batch) for a workload kind."""
    if kind == "mlp_ce":
        return lambda p, bt: _cross_entropy(_mlp(p, bt["x"]), bt["y"])
    if kind == "mlp_mse":
        return lambda p, bt: jnp.mean(jnp.square(_mlp(p, bt["x"]) - bt["t"]))
    if kind == "char_lm":
        return lambda p, bt: _char_lm(p, bt, heads)
    if kind == "cnn_ce":
        return lambda p, bt: _cross_entropy(_cnn(p, bt["x"]), bt["y"])
    raise ValueError(f"no JAX model for kind '{kind}'")


def make_train_step(loss, lr, momentum):
    def step(params, bufs, batch):
        value, grads = jax.value_and_grad(loss)(params, batch)
        bufs = jax.tree_util.tree_map(lambda b, g: momentum * b + g, bufs, grads)
        params = jax.tree_util.tree_map(lambda p, b: p - lr * b, params, bufs)
        return params, bufs, value
    return jax.jit(step, donate_argnums=(0, 1))


def forward_loss(workload, params_np, batch_np):
    loss = jax.jit(loss_fn(workload.kind, workload.heads))
    params = {k: jnp.asarray(v) for k, v in params_np.items()}
    return float(loss(params, to_device(batch_np)))


def to_device(batch):
    """Device arrays; int64 labels/tokens become int32 (JAX's default without
    x64; the values are small)."""
    out = {}
    for k, v in batch.items():
        if v.dtype.kind == "i":
            v = v.astype("int32")
        out[k] = jnp.asarray(v)
    return out


def bf16_compute(loss):
    """The loss computed in bf16 from f32 parameters and inputs (cast at
    the top, as a bf16 policy does), reduced in f32."""
    def cast(x):
        return x.astype(jnp.bfloat16) if jnp.issubdtype(x.dtype, jnp.floating) else x

    def wrapped(params, batch):
        return loss(jax.tree_util.tree_map(cast, params),
                    jax.tree_util.tree_map(cast, batch)).astype(jnp.float32)
    return wrapped


def run(workload, params_np, lr, momentum, total_steps, timer, compute=None):
    """Trains `total_steps` steps; returns (losses, per-step seconds).
    `compute="bf16"`: bf16 compute with f32 parameters and updates."""
    loss = loss_fn(workload.kind, workload.heads)
    if compute == "bf16":
        loss = bf16_compute(loss)
    step = make_train_step(loss, lr, momentum)
    params = {k: jnp.asarray(v) for k, v in params_np.items()}
    bufs = {k: jnp.zeros_like(v) for k, v in params.items()}
    batches = [to_device(workload.get_batch(k))
               for k in range(workload.n_batches)]
    losses, times = [], []
    for s in range(total_steps):
        batch = batches[s % len(batches)]
        t0 = timer()
        params, bufs, loss = step(params, bufs, batch)
        jax.block_until_ready((params, bufs, loss))
        times.append(timer() - t0)
        losses.append(float(loss))
    return losses, times
