"""LP from Python: read a model, compile its training step, train it on
NumPy arrays (docs/Python.md).

    import lp
    model = lp.load("examples/digits_mlp.mlir")
    step = lp.compile(model, optimizer="sgd", lr=0.1, momentum=0.9)
    losses = step({"x": x, "y": y})        # one training step
    step.params["fc1.w"]                   # a NumPy view of the weights

The model's dialect code parses and verifies it; the compile API builds
and lowers the step; the runtime binds the arrays and runs it (the same
code as lp-run). Errors of LP are raised as `lp.Error` with the model's
location in the message.
"""

from __future__ import annotations

import json
import os
from typing import Mapping

import numpy as np

from . import _lp

Error = _lp.Error

__all__ = ["Error", "Model", "ModelBuilder", "Step", "Value", "compile", "evaluate", "fit", "from_torch", "load",
           "parse"]


class Model:
    """A model in the lp dialect, parsed and verified."""

    def __init__(self, native: _lp.Model):
        self._native = native

    @property
    def mlir(self) -> str:
        """The model's MLIR text."""
        return self._native.text

    def __str__(self) -> str:
        return self.mlir


def parse(text: str, filename: str = "model.mlir") -> Model:
    """The model in `text` (MLIR); `filename` names it in error locations."""
    return Model(_lp.Model(text, filename))


def load(path: str | os.PathLike) -> Model:
    """The model in the file `path` (lp-opt's or lp-run's input)."""
    path = os.fspath(path)
    with open(path, encoding="utf-8") as f:
        return parse(f.read(), path)


_DTYPES = {"float32": np.float32, "float64": np.float64, "float16": np.float16,
           "int64": np.int64, "int32": np.int32, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_}
try:  # NumPy has no bf16: ml_dtypes' (LP's tests use it; optional here)
    import ml_dtypes

    _DTYPES["bfloat16"] = ml_dtypes.bfloat16
except ImportError:  # pragma: no cover
    ml_dtypes = None


def _as_bf16(a: np.ndarray, dtype: str) -> np.ndarray:
    """bf16 arrays come from the extension as their bits (uint16)."""
    return a.view(ml_dtypes.bfloat16) if dtype == "bfloat16" and ml_dtypes is not None else a


class Step:
    """A compiled training step (or, with train=False, a compiled model
    function) and its parameters and state.

    `step(batch)` runs one step on a mapping of NumPy arrays (every input and
    label by name) and returns its losses (or, untrained, its results) as
    NumPy arrays; arrays of the model's dtype and C order are bound without
    a copy. `params` and `state` are NumPy views of the arrays the step
    updates in place."""

    def __init__(self, compiled: _lp.Compiled, seed: int, params: str, bound: Mapping[str, np.ndarray] | None = None):
        self._compiled = compiled
        # Inputs the model binds itself every call (an imported module's
        # buffers), C-ordered once.
        self._bound = {k: np.asarray(v, order="C") for k, v in (bound or {}).items()}
        self._session = _lp.Session(compiled, seed, params)
        self.signature = json.loads(compiled.signature)
        self.eval_signature = json.loads(compiled.eval_signature) if compiled.eval_signature else None
        types = {a["name"]: a["dtype"] for a in self.signature["args"]}
        self._views = {k: _as_bf16(v, types.get(k, "")) for k, v in self._session.state().items()}
        # Each result's dtype (bf16 as ml_dtypes' where it is installed, else
        # its bits) and shape; a name in both functions has one of each.
        self._result_layout = {r["name"]: (self._numpy_dtype(r["dtype"]), tuple(r["shape"]))
                               for s in (self.signature, self.eval_signature or {"results": []})
                               for r in s["results"]}
        self._dtypes = self._batch_dtypes(self.signature)
        self._eval_dtypes = self._batch_dtypes(self.eval_signature) if self.eval_signature else None

    @staticmethod
    def _numpy_dtype(name: str) -> np.dtype:
        """A signature's dtype name as NumPy's (bf16 without ml_dtypes: its
        bits, uint16)."""
        return np.dtype(_DTYPES.get(name, np.uint16 if name == "bfloat16" else None) or name)

    @staticmethod
    def _batch_dtypes(signature) -> dict:
        return {a["name"]: np.dtype(_DTYPES[a["dtype"]]) if a["dtype"] in _DTYPES else None
                for a in signature["args"] if a["role"] in ("input", "label")}

    @staticmethod
    def _batch(batch: Mapping[str, np.ndarray], dtypes: dict) -> Mapping[str, np.ndarray]:
        """`batch` as C-ordered arrays of the model's dtypes (as given when
        they are: bound without a copy; bf16 as its bits)."""
        if all(type(v) is np.ndarray and v.flags.c_contiguous and v.dtype == dtypes.get(k) and v.dtype.kind != "V"
               for k, v in batch.items()):
            return batch
        out = {}
        for name, value in batch.items():
            value, want = np.asarray(value, order="C"), dtypes.get(name)
            if want is not None and value.dtype != want:
                raise Error(f"batch '{name}': dtype {value.dtype} does not match the model's {want}")
            if ml_dtypes is not None and value.dtype == ml_dtypes.bfloat16:
                value = value.view(np.uint16)
            out[name] = value
        return out

    def _results(self, out: dict) -> dict:
        """The extension's results (each a bytearray of its elements) as
        arrays of their dtype and shape."""
        layout = self._result_layout
        return {k: np.ndarray(layout[k][1], layout[k][0], v) for k, v in out.items()}

    def __call__(self, batch: Mapping[str, np.ndarray]) -> dict:
        if self._bound:
            batch = {**self._bound, **batch}
        try:  # C-ordered NumPy arrays go as they are (the runtime checks them)
            out = self._session.step(batch)
        except TypeError:  # anything else (lists, bf16 arrays) is converted
            out = self._session.step(self._batch(batch, self._dtypes))
        return self._results(out)

    def eval(self, batch: Mapping[str, np.ndarray]) -> dict:
        """The eval function (the forward pass and losses, no update) on
        `batch`."""
        if self.eval_signature is None:
            raise Error("this step has no eval function (compiled with train=False)")
        if self._bound:
            batch = {**self._bound, **batch}
        return self._results(self._session.eval(self._batch(batch, self._eval_dtypes)))

    def _assign(self, values: Mapping[str, np.ndarray]) -> None:
        """Copies `values` (parameters or state by name) into the step's
        arrays."""
        for name, value in values.items():
            if name not in self._views:
                raise Error(f"'{name}' is not a parameter or state of this step")
            view, value = self._views[name], np.asarray(value)
            if value.shape != view.shape:
                raise Error(f"'{name}': shape {list(value.shape)} does not match the model's {list(view.shape)}")
            view[...] = value

    @property
    def params(self) -> dict:
        """The trained parameters by name: NumPy views that every step
        updates."""
        return {a["name"]: self._views[a["name"]] for a in self.signature["args"] if a["role"] == "param"}

    @property
    def state(self) -> dict:
        """Every parameter and state array (optimizer moments, the step
        counter, the loss scale) by name, as NumPy views."""
        return dict(self._views)

    @property
    def ir(self) -> dict:
        """The module's MLIR text after each pipeline stage, in order
        ("model", "train_step", "linalg", "bufferized", "llvm"), when
        compiled with keep_ir=True (else empty)."""
        return dict(self._compiled.stage_ir)

    @property
    def precision_report(self) -> str:
        """lp-run --precision-report's text for this step."""
        return self._compiled.precision_report

    def save(self, path: str | os.PathLike) -> None:
        """Writes the parameters and state to a .npz (lp-run's checkpoint)."""
        self._session.save(os.fspath(path))

    def load(self, path: str | os.PathLike) -> None:
        """Reads parameters and state from a .npz written by `save` or by
        lp-run --checkpoint (every array of this step, nothing else)."""
        self._session.load(os.fspath(path))


def compile(model: Model, *, train: bool = True, seed: int = 0,
            params: str | os.PathLike | Mapping[str, np.ndarray] | None = None, keep_ir: bool = False,
            quantization: str | Mapping[str, object] | None = None, **options) -> Step:
    """Compiles `model`'s training step (with train=False, the model
    function itself) for the CPU.

    Options are lp-run's, with '_' for '-': optimizer ("sgd", "adam",
    "adamw"), lr, momentum, dampening, nesterov, weight_decay, beta1, beta2,
    eps, amsgrad, maximize, precision ("f32", "bf16", "f16"),
    precision_overrides, lowp_result, master_weights, loss_scale ("none",
    "static", "dynamic"), init_scale, growth_factor, backoff_factor,
    growth_interval, fake_quant, clip_grad_norm, clip_grad_value,
    function, parallel, device ("cpu"; "cuda": the step lowered for the
    GPU at hand, as lp-run --device=cuda). Parameters start from `params` (a .npz, as lp-run
    --params, or arrays by name), from the model's `initial_params` (a
    model from lp.from_torch: the module's weights), or from the model's
    initialisers with `seed`. `quantization` is lp-fake-quant's options
    (lp-run --fake-quant): "on", a spec string ("weights=int4
    activations=int8 freeze-after=400") or a mapping of its keys
    ({"weights": "int4", "freeze-after": 400}). With `keep_ir`, `step.ir` holds the module's
    text after each stage ("model", "train_step", "linalg", "bufferized",
    "llvm")."""
    if not isinstance(model, Model):
        raise TypeError(f"lp.compile takes an lp.Model, got {type(model).__name__}")
    if quantization is not None:
        if "fake_quant" in options:
            raise ValueError("give quantization or fake_quant, not both")
        options["fake_quant"] = quantization if isinstance(quantization, str) else \
            " ".join(f"{k}={v}" for k, v in quantization.items())
    compiled = _lp.Compiled(model._native, dict(options, train=train), keep_ir)
    if params is None:
        params = getattr(model, "initial_params", None)
    bound = getattr(model, "bound_inputs", None)
    if isinstance(params, Mapping):
        step = Step(compiled, seed, "", bound)
        step._assign(params)
        return step
    return Step(compiled, seed, os.fspath(params) if params is not None else "", bound)


from .builder import ModelBuilder, Value  # noqa: E402  (uses Model)
from .fit import evaluate, fit  # noqa: E402


def from_torch(module, example_inputs, loss=None, targets=(), name=None) -> Model:
    """The LP model of a PyTorch module (needs torch; see
    lp.torch_import.from_torch)."""
    from .torch_import import from_torch as convert

    return convert(module, example_inputs, loss=loss, targets=targets, name=name)
