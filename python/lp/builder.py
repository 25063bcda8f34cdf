"""Models built op by op from Python (docs/Python.md, "Building models").

    b = lp.ModelBuilder("mlp")
    x = b.input("x", (64, 64))
    y = b.label("y", (64,))
    with b.layer("fc1"):
        h = b.relu(b.linear(x, b.param("fc1.w", (64, 128), init="glorot_uniform"),
                            b.param("fc1.b", (128,))))
    ...
    model = b.build({"loss": b.cross_entropy(logits, y)})

Each method mirrors one lp op. The result's shape is worked out here; the
op itself is made by the dialect's C++ code and checked by its verifier at
once, so a wrong operand raises `lp.Error` naming the op, the verifier's
message and the Python line that built it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Mapping, Sequence

from . import _lp

_DTYPES = {"f32": "f32", "float32": "f32", "f16": "f16", "float16": "f16", "bf16": "bf16",
           "bfloat16": "bf16", "f64": "f64", "float64": "f64", "i64": "i64", "int64": "i64",
           "i32": "i32", "int32": "i32"}


def _dtype(d) -> str:
    name = getattr(d, "name", None) or str(d)
    if name not in _DTYPES:
        raise ValueError(f"unsupported element type {d!r} (f32, f16, bf16, i32, i64)")
    return _DTYPES[name]


def _type(shape, dtype) -> str:
    dims = "".join(f"{int(d)}x" for d in shape)
    return f"tensor<{dims}{dtype}>"


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _array(values) -> str:
    return "array<i64: " + ", ".join(str(int(v)) for v in values) + ">"


def _caller():
    """The file and line of the first frame outside this package."""
    here = os.path.dirname(__file__)
    frame = sys._getframe(1)
    while frame is not None and os.path.dirname(frame.f_code.co_filename) == here:
        frame = frame.f_back
    if frame is None:
        return "<unknown>", 0
    return frame.f_code.co_filename, frame.f_lineno


class Value:
    """A tensor value of a model being built: its shape and element type.
    `+ - * /` build lp.add, lp.sub, lp.mul, lp.div."""

    def __init__(self, builder: "ModelBuilder", number: int, shape, dtype: str):
        self.builder, self.number, self.shape, self.dtype = builder, number, tuple(shape), dtype

    def __repr__(self):
        return f"Value(#{self.number}, {_type(self.shape, self.dtype)})"

    def __add__(self, other):
        return self.builder.add(self, other)

    def __sub__(self, other):
        return self.builder.sub(self, other)

    def __mul__(self, other):
        return self.builder.mul(self, other)

    def __truediv__(self, other):
        return self.builder.div(self, other)


def _broadcast(a, b):
    """NumPy's broadcast shape, or None."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x != y and x != 1 and y != 1:
            return None
        out.append(max(x, y))
    return tuple(reversed(out))


def _window(size, kernel, stride, padding):
    return (size + 2 * padding - kernel) // stride + 1


class ModelBuilder:
    """Builds one model function; `build` returns the lp.Model."""

    def __init__(self, name: str = "model"):
        self._native = _lp.ModelBuilder(name)
        self._layers: list[str] = []
        self._names: set[str] = set()

    # Arguments -----------------------------------------------------------

    def _argument(self, name, shape, dtype, role, extra=""):
        if name in self._names:
            raise ValueError(f"the model already has an argument named '{name}'")
        self._names.add(name)
        dtype = _dtype(dtype)
        attrs = f"lp.role = {_quote(role)}, lp.name = {_quote(name)}{extra}"
        if self._layers:
            attrs += f", lp.layer = {_quote(self._layers[-1])}"
        n = self._native.argument(_type(shape, dtype), "{" + attrs + "}")
        return Value(self, n, shape, dtype)

    def input(self, name: str, shape: Sequence[int], dtype="f32") -> Value:
        """Batch data (`lp.role = "input"`)."""
        return self._argument(name, shape, dtype, "input")

    def label(self, name: str, shape: Sequence[int], dtype="i64") -> Value:
        """Class labels or targets (`lp.role = "label"`)."""
        return self._argument(name, shape, dtype, "label")

    def param(self, name: str, shape: Sequence[int], init: str = "zeros", dtype="f32") -> Value:
        """A trained parameter; `init` is an lp.init spec ("zeros",
        "glorot_uniform", "normal(0.02)", ...: docs/ModelFormat.md)."""
        return self._argument(name, shape, dtype, "param", f", lp.init = {_quote(init)}")

    def state(self, name: str, shape: Sequence[int], init: str = "zeros", dtype="f32") -> Value:
        """State the forward pass updates (return its next value under the
        same name from `build`)."""
        return self._argument(name, shape, dtype, "state", f", lp.init = {_quote(init)}")

    @contextlib.contextmanager
    def layer(self, name: str):
        """Ops (and arguments) built inside carry `lp.layer = name`, which
        per-layer precision matches."""
        self._layers.append(name)
        try:
            yield
        finally:
            self._layers.pop()

    # Ops -------------------------------------------------------------------

    def _op(self, name, operands, shape, dtype, attrs=()):
        attrs = list(attrs)
        if self._layers:
            attrs.insert(0, f"lp.layer = {_quote(self._layers[-1])}")
        for v in operands:
            if not isinstance(v, Value) or v.builder is not self:
                raise TypeError(f"{name}: operands must be values of this builder, got {v!r}")
        file, line = _caller()
        n = self._native.op(name, [v.number for v in operands], _type(shape, dtype),
                            "{" + ", ".join(attrs) + "}", file, line)
        return Value(self, n, shape, dtype)

    def constant(self, value, dtype="f32") -> Value:
        """A constant tensor (`arith.constant`, which models may hold
        anywhere): a number or an array, stored as `dtype`."""
        import numpy as np

        dtype = _dtype(dtype)
        np_type = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "i64": np.int64,
                   "i32": np.int32}.get(dtype)
        if np_type is None:
            raise ValueError(f"constants of {dtype} are not supported")
        a = np.asarray(value, dtype=np_type, order="C")  # 0-d stays 0-d
        text = repr(a.item()) if a.ndim == 0 and dtype.startswith("i") else \
            f"{float(a.item()):.17e}" if a.ndim == 0 else '"0x' + a.astype(a.dtype.newbyteorder("<")).tobytes().hex() + '"'
        return self._op("arith.constant", [], a.shape, dtype, [f"value = dense<{text}> : {_type(a.shape, dtype)}"])

    def linear(self, x: Value, w: Value, b: Value | None = None) -> Value:
        """x W + b: x [..., K], W [K, N], b [N] -> [..., N]."""
        ops = [x, w] + ([b] if b is not None else [])
        return self._op("lp.linear", ops, x.shape[:-1] + w.shape[-1:], x.dtype)

    def matmul(self, a: Value, b: Value) -> Value:
        """[B..., M, K] x [B..., K, N] -> [B..., M, N]."""
        return self._op("lp.matmul", [a, b], a.shape[:-1] + b.shape[-1:], a.dtype)

    def conv2d(self, x: Value, w: Value, b: Value | None = None, stride=(1, 1), padding=(0, 0)) -> Value:
        """NCHW input, FCHW filter, optional bias [F]."""
        n, _, h, wd = x.shape
        f, _, kh, kw = w.shape
        shape = (n, f, _window(h, kh, stride[0], padding[0]), _window(wd, kw, stride[1], padding[1]))
        ops = [x, w] + ([b] if b is not None else [])
        return self._op("lp.conv2d", ops, shape, x.dtype,
                        [f"stride = {_array(stride)}", f"padding = {_array(padding)}"])

    def _pool(self, name, x, kernel, stride, padding):
        stride = tuple(kernel) if stride is None else tuple(stride)
        shape = x.shape[:-2] + (_window(x.shape[-2], kernel[0], stride[0], padding[0]),
                                _window(x.shape[-1], kernel[1], stride[1], padding[1]))
        return self._op(name, [x], shape, x.dtype, [f"kernel = {_array(kernel)}", f"stride = {_array(stride)}",
                                                    f"padding = {_array(padding)}"])

    def max_pool2d(self, x: Value, kernel, stride=None, padding=(0, 0)) -> Value:
        return self._pool("lp.max_pool2d", x, kernel, stride, padding)

    def avg_pool2d(self, x: Value, kernel, stride=None, padding=(0, 0)) -> Value:
        return self._pool("lp.avg_pool2d", x, kernel, stride, padding)

    def _binary(self, name, a, b):
        shape = _broadcast(a.shape, b.shape)
        return self._op(name, [a, b], shape if shape is not None else a.shape, a.dtype)

    def add(self, a: Value, b: Value) -> Value:
        return self._binary("lp.add", a, b)

    def sub(self, a: Value, b: Value) -> Value:
        return self._binary("lp.sub", a, b)

    def mul(self, a: Value, b: Value) -> Value:
        return self._binary("lp.mul", a, b)

    def div(self, a: Value, b: Value) -> Value:
        return self._binary("lp.div", a, b)

    def relu(self, x: Value) -> Value:
        return self._op("lp.relu", [x], x.shape, x.dtype)

    def tanh(self, x: Value) -> Value:
        return self._op("lp.tanh", [x], x.shape, x.dtype)

    def sigmoid(self, x: Value) -> Value:
        return self._op("lp.sigmoid", [x], x.shape, x.dtype)

    def exp(self, x: Value) -> Value:
        return self._op("lp.exp", [x], x.shape, x.dtype)

    def log(self, x: Value) -> Value:
        return self._op("lp.log", [x], x.shape, x.dtype)

    def sqrt(self, x: Value) -> Value:
        return self._op("lp.sqrt", [x], x.shape, x.dtype)

    def gelu(self, x: Value, approximate: str = "none") -> Value:
        """approximate: "none" (erf) or "tanh"."""
        return self._op("lp.gelu", [x], x.shape, x.dtype,
                        [f"approximate = #lp<gelu_approximation {approximate}>"])

    def softmax(self, x: Value, axis: int = -1) -> Value:
        return self._op("lp.softmax", [x], x.shape, x.dtype, [f"axis = {int(axis)} : i64"])

    def log_softmax(self, x: Value, axis: int = -1) -> Value:
        return self._op("lp.log_softmax", [x], x.shape, x.dtype, [f"axis = {int(axis)} : i64"])

    def layer_norm(self, x: Value, gamma: Value, beta: Value, axis: int = -1, epsilon: float = 1e-5) -> Value:
        return self._op("lp.layer_norm", [x, gamma, beta], x.shape, x.dtype,
                        [f"axis = {int(axis)} : i64", f"epsilon = {float(epsilon):.17e} : f64"])

    def _reduce(self, name, x, axes, keepdims):
        axes = [a % len(x.shape) if x.shape else a for a in ([axes] if isinstance(axes, int) else axes)]
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape)) if keepdims else \
            tuple(d for i, d in enumerate(x.shape) if i not in axes)
        return self._op(name, [x], shape, x.dtype,
                        [f"axes = {_array(axes)}", f"keepdims = {'true' if keepdims else 'false'}"])

    def reduce_sum(self, x: Value, axes, keepdims: bool = False) -> Value:
        return self._reduce("lp.reduce_sum", x, axes, keepdims)

    def reduce_mean(self, x: Value, axes, keepdims: bool = False) -> Value:
        return self._reduce("lp.reduce_mean", x, axes, keepdims)

    def reduce_max(self, x: Value, axes, keepdims: bool = False) -> Value:
        return self._reduce("lp.reduce_max", x, axes, keepdims)

    def reshape(self, x: Value, shape: Sequence[int]) -> Value:
        return self._op("lp.reshape", [x], tuple(shape), x.dtype)

    def transpose(self, x: Value, permutation: Sequence[int]) -> Value:
        shape = tuple(x.shape[p] for p in permutation) if sorted(permutation) == list(range(len(x.shape))) \
            else x.shape
        return self._op("lp.transpose", [x], shape, x.dtype, [f"permutation = {_array(permutation)}"])

    def embedding(self, indices: Value, table: Value) -> Value:
        """Rows of `table` [V, D] at `indices` [...] -> [..., D]."""
        return self._op("lp.embedding", [indices, table], indices.shape + table.shape[-1:], table.dtype)

    def cross_entropy(self, logits: Value, labels: Value) -> Value:
        """Mean softmax cross entropy of logits [..., C] and labels [...]."""
        return self._op("lp.cross_entropy", [logits, labels], (), logits.dtype)

    def mse_loss(self, prediction: Value, target: Value) -> Value:
        return self._op("lp.mse_loss", [prediction, target], (), prediction.dtype)

    def cast(self, x: Value, dtype) -> Value:
        return self._op("lp.cast", [x], x.shape, _dtype(dtype))

    # The model ---------------------------------------------------------------

    def build(self, results: Mapping[str, Value] | Value, loss_weights: Sequence[float] | None = None):
        """The model returning `results` by name (losses, and the next value
        of each `state` argument under its name), with `loss_weights` (one
        per result) for several losses. The function is verified whole."""
        from . import Model

        if isinstance(results, Value):
            results = {"loss": results}
        names, values = list(results), list(results.values())
        attrs = ["{lp.name = " + _quote(n) + "}" for n in names]
        function = ""
        if loss_weights is not None:
            function = "{lp.loss_weights = [" + ", ".join(f"{float(w):.17e}" for w in loss_weights) + "]}"
        return Model(self._native.finish([v.number for v in values], attrs, function))
