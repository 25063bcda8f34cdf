"""lp.from_torch (python/lp/torch_import.py): PyTorch modules through
torch.export to lp ops. An MLP and a CNN defined in PyTorch train in LP
with the losses of PyTorch's own loop (same weights, batches, SGD with
momentum): 20 steps within 1e-4 relative, the first within 1e-5; the bf16
MLP follows torch.autocast's within 2e-2. The other translated ops give
PyTorch's loss; parameters keep the module's names and ops its module path
as lp.layer; unsupported ops are errors naming the op and the line."""

from __future__ import annotations

import numpy as np
import pytest

import lp

torch = pytest.importorskip("torch", reason="PyTorch is not installed (pip install torch): the importer needs it")
nn = torch.nn
F = torch.nn.functional


def digit_batches(digits, steps, batch=64, image=False):
    d = np.load(digits)
    x, y = d["x"], d["y"]
    for i in range(steps):
        first = (i % (x.shape[0] // batch)) * batch
        xb = x[first:first + batch]
        yield (xb.reshape(batch, 1, 8, 8) if image else xb), y[first:first + batch]


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(64, 128), nn.Linear(128, 64), nn.Linear(64, 10)

    def forward(self, x):
        return self.fc3(torch.tanh(self.fc2(torch.relu(self.fc1(x)))))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1)
        self.fc = nn.Linear(16 * 2 * 2, 10)

    def forward(self, x):
        h = F.max_pool2d(torch.relu(self.conv1(x)), 2)
        h = F.max_pool2d(torch.relu(self.conv2(h)), 2)
        return self.fc(h.flatten(1))


def train_both(net, digits, image, steps=20, **compile_options):
    torch.manual_seed(0)
    batches = list(digit_batches(digits, steps, image=image))
    x0, y0 = (torch.tensor(v) for v in batches[0])
    model = lp.from_torch(net, (x0,), loss=F.cross_entropy, targets=(y0,))
    step = lp.compile(model, optimizer="sgd", lr=0.05, momentum=0.9, **compile_options)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    ours, theirs = [], []
    for xb, yb in batches:
        ours.append(float(step({"x": xb, "target": yb})["loss"]))
        opt.zero_grad()
        precision = compile_options.get("precision")
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=precision == "bf16"):
            loss = F.cross_entropy(net(torch.tensor(xb)), torch.tensor(yb))
        loss.backward()
        opt.step()
        theirs.append(loss.item())
    return np.array(ours), np.array(theirs), model, step


@pytest.mark.parametrize("net_class, image", [(MLP, False), (CNN, True)])
def test_losses_match_pytorch(digits, net_class, image):
    torch.manual_seed(1)
    net = net_class()
    ours, theirs, model, step = train_both(net, digits, image)
    assert abs(ours[0] - theirs[0]) <= 1e-5 * abs(theirs[0]), (ours[0], theirs[0])
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    # The module's names, and its final weights in LP's arrays.
    assert set(step.params) == {n for n, _ in net.named_parameters()}
    for name, p in net.named_parameters():
        np.testing.assert_allclose(step.params[name], p.detach().numpy(), rtol=1e-3, atol=1e-5, err_msg=name)


def train_lowp(net, batches, input_name, precision):
    """20 steps of `net` in LP (`precision`, f16 with dynamic loss scaling)
    and in PyTorch's loop under torch.autocast (f16 with a GradScaler), SGD
    with momentum, from the same weights; both loss sequences."""
    x0, y0 = (torch.tensor(v) for v in batches[0])
    model = lp.from_torch(net, (x0,), loss=F.cross_entropy, targets=(y0,))
    scaling = {"loss_scale": "dynamic"} if precision == "f16" else {}
    step = lp.compile(model, optimizer="sgd", lr=0.05, momentum=0.9, precision=precision, **scaling)
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    dtype = torch.float16 if precision == "f16" else torch.bfloat16
    scaler = torch.amp.GradScaler("cpu", enabled=precision == "f16")
    ours, theirs = [], []
    for xb, yb in batches:
        ours.append(float(step({input_name: xb, "target": yb})["loss"]))
        opt.zero_grad()
        with torch.autocast("cpu", dtype=dtype):
            loss = F.cross_entropy(net(torch.tensor(xb)), torch.tensor(yb))
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        theirs.append(loss.item())
    return np.array(ours), np.array(theirs)


@pytest.mark.parametrize("precision", ["bf16", "f16"])
@pytest.mark.parametrize("name", ["mlp", "cnn", "gpt"])
def test_lowp_follows_autocast(digits, rng, name, precision):
    """The issue's bound: every loss of 20 steps within 2e-2 of PyTorch's
    autocast loop (the two round differently: PyTorch rounds each
    product's output to 16 bits and keeps some ops' inputs, LP follows its
    op classes)."""
    torch.manual_seed(2)
    if name == "gpt":
        net, tokens = GPTBlock(), rng.integers(0, 24, (20, 8, 17))
        batches, input_name = [(tokens[i, :, :16], tokens[i, :, 1:].reshape(-1)) for i in range(20)], "idx"
    else:
        net = MLP() if name == "mlp" else CNN()
        batches, input_name = list(digit_batches(digits, 20, image=name == "cnn")), "x"
    ours, theirs = train_lowp(net, batches, input_name, precision)
    rel = np.abs(ours - theirs) / np.abs(theirs)
    print(f"{name} {precision}: max relative difference {rel.max():.2e}")
    assert np.all(rel <= 2e-2), rel


class Mixed(nn.Module):
    """The other ops the importer translates, in one forward pass."""

    def __init__(self):
        super().__init__()
        self.emb, self.ln, self.proj = nn.Embedding(20, 8), nn.LayerNorm(8), nn.Linear(8, 8)

    def forward(self, tokens, x):
        h = self.ln(self.emb(tokens)) + x                     # [2, 4, 8]
        q = self.proj(h).view(2, 4, 2, 4).permute(0, 2, 1, 3)  # [2, 2, 4, 4]
        att = torch.softmax(q @ q.transpose(-2, -1) * 0.5, dim=-1)
        o = (att @ q).transpose(1, 2).reshape(2, 4, 8)
        o = F.gelu(o, approximate="tanh") - torch.sigmoid(o) / 2
        p = F.avg_pool2d(o.reshape(2, 1, 4, 8), 2)
        return F.log_softmax(p.reshape(2, 8), dim=-1), torch.exp(o).mean()


def test_translated_ops_give_pytorchs_loss(rng):
    torch.manual_seed(3)
    net = Mixed()
    tokens = torch.tensor(rng.integers(0, 20, (2, 4)))
    x = torch.tensor(rng.standard_normal((2, 4, 8)).astype(np.float32))
    target = torch.tensor(rng.standard_normal((2, 8)).astype(np.float32))

    def loss(out, t):
        return F.mse_loss(out[0], t) + 0.01 * out[1]

    model = lp.from_torch(net, (tokens, x), loss=loss, targets=(target,))
    assert 'lp.layer = "ln"' in model.mlir and 'lp.name = "emb.weight"' in model.mlir
    step = lp.compile(model, train=False)
    got = step({"tokens": tokens.numpy(), "x": x.numpy(), "target": target.numpy()})["loss"]
    np.testing.assert_allclose(got, loss(net(tokens, x), target).item(), rtol=1e-5)


class Unsupported(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return torch.cumsum(self.fc(x), dim=1)  # UNSUPPORTED-LINE


class Dropout(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.drop = nn.Linear(4, 4), nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(self.fc(x)).sum()


def test_unsupported_ops_are_located_errors():
    line = next(i for i, text in enumerate(open(__file__), 1) if "# UNSUPPORTED-LINE" in text)
    with pytest.raises(lp.Error, match=rf"test_from_torch\.py:{line}: error: aten\.cumsum\.default is not supported"):
        lp.from_torch(Unsupported(), (torch.zeros(2, 4),))
    with pytest.raises(lp.Error, match=r"dropout with p > 0"):
        lp.from_torch(Dropout().train(), (torch.zeros(2, 4),))
    # In eval mode dropout is the identity.
    lp.from_torch(Dropout().eval(), (torch.zeros(2, 4),))


class GPTBlock(nn.Module):
    """A GPT-style block: token and position embeddings, pre-norm causal
    self-attention (the mask a module buffer, added to the scores), a GELU
    MLP, residuals, a final LayerNorm and the vocabulary head."""

    def __init__(self, vocab=24, d=32, heads=4, t=16):
        super().__init__()
        self.heads = heads
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Parameter(0.02 * torch.randn(t, d))
        self.ln1, self.ln2, self.ln_f = nn.LayerNorm(d), nn.LayerNorm(d), nn.LayerNorm(d)
        self.q, self.k, self.v, self.proj = (nn.Linear(d, d) for _ in range(4))
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.head = nn.Linear(d, vocab)
        self.register_buffer("mask", torch.triu(torch.full((t, t), float("-inf")), 1))

    def forward(self, idx):
        b, t = idx.shape
        x = self.tok(idx) + self.pos[:t]
        h = self.ln1(x)
        split = lambda z: z.view(b, t, self.heads, -1).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.q(h)), split(self.k(h)), split(self.v(h))
        att = (q @ k.transpose(-2, -1)) * (1.0 / np.sqrt(q.shape[-1])) + self.mask[:t, :t]
        y = (torch.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(b, t, -1)
        x = x + self.proj(y)
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return self.head(self.ln_f(x)).view(b * t, -1)


def test_gpt_block_losses_match_pytorch(rng):
    torch.manual_seed(5)
    net = GPTBlock()
    tokens = rng.integers(0, 24, (20, 8, 17))
    batches = [(tokens[i, :, :16], tokens[i, :, 1:].reshape(-1)) for i in range(20)]
    x0, y0 = (torch.tensor(v) for v in batches[0])
    model = lp.from_torch(net, (x0,), loss=F.cross_entropy, targets=(y0,))
    assert 'lp.name = "mask"' in model.mlir and 'lp.role = "input"' in model.mlir
    assert 'lp.layer = "ln1"' in model.mlir and 'lp.name = "q.weight"' in model.mlir
    step = lp.compile(model, optimizer="sgd", lr=0.1, momentum=0.9)
    opt = torch.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    ours, theirs = [], []
    for xb, yb in batches:
        ours.append(float(step({"idx": xb, "target": yb})["loss"]))  # the mask is bound by the step
        opt.zero_grad()
        loss = F.cross_entropy(net(torch.tensor(xb)), torch.tensor(yb))
        loss.backward()
        opt.step()
        theirs.append(loss.item())
    assert abs(ours[0] - theirs[0]) <= 1e-5 * theirs[0], (ours[0], theirs[0])
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    assert theirs[-1] < theirs[0]  # it trains


class Constants(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        h = self.fc(x) * torch.tensor(2.0)  # a lifted tensor constant
        return h.amax() + h.t().sum() * 0.0 + h.mean()


def test_constants_and_whole_reductions(rng):
    torch.manual_seed(6)
    net = Constants()
    x = torch.tensor(rng.standard_normal((5, 4)).astype(np.float32))
    step = lp.compile(lp.from_torch(net, (x,)), train=False)
    np.testing.assert_allclose(step({"x": x.numpy()})["loss"], net(x).item(), rtol=1e-5)


def test_embedding_options_are_rejected():
    class Padded(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4, padding_idx=0)

        def forward(self, idx):
            return self.emb(idx).sum()

    with pytest.raises(lp.Error, match="padding_idx or scale_grad_by_freq"):
        lp.from_torch(Padded(), (torch.zeros(2, 3, dtype=torch.int64),))
