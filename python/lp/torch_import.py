"""PyTorch modules as LP models, through torch.export (docs/Python.md,
"From PyTorch").

    model = lp.from_torch(net, (x,), loss=F.cross_entropy, targets=(y,))
    step = lp.compile(model, optimizer="sgd", lr=0.1, momentum=0.9)

The module (with the loss applied to its output) is exported to an ATen
graph; each ATen op becomes lp ops through lp.ModelBuilder, so every op is
checked by the dialect's verifier. Parameters keep the module's names
(`fc1.weight`) and layouts (a Linear's weight stays [out, in]: the product
reads it through lp.transpose) and start from the module's current values.
Ops carry `lp.layer` from the module path, so per-layer precision applies.
An ATen op without a translation is an error naming it and the line of
Python it came from. PyTorch is needed here only: `import lp` works
without it.
"""

from __future__ import annotations

import operator
import os
import re
from typing import Callable, Sequence

import numpy as np

from . import Error, Model
from .builder import ModelBuilder, Value


def _source_line(node) -> str:
    """The innermost frame of the node's stack trace in the user's code
    (outside torch and this package)."""
    trace = node.meta.get("stack_trace") or ""
    frames = re.findall(r'File "([^"]+)", line (\d+)', trace)
    here = os.path.dirname(os.path.abspath(__file__))
    user = [(p, n) for p, n in frames if "/torch/" not in p and os.path.dirname(os.path.abspath(p)) != here]
    if user:
        return f"{user[-1][0]}:{user[-1][1]}"
    return f"{frames[-1][0]}:{frames[-1][1]}" if frames else "an unknown line"


def _layer(node, prefix: str) -> str | None:
    stack = node.meta.get("nn_module_stack")
    if not stack:
        return None
    path = list(stack.values())[-1][0]
    if path == prefix.rstrip("."):
        return None  # the module's own forward
    if path.startswith(prefix):
        path = path[len(prefix):]
    return path or None


class _Importer:
    def __init__(self, ep, builder: ModelBuilder, prefix: str):
        self.ep, self.b, self.prefix = ep, builder, prefix
        self.values: dict[str, Value] = {}

    def fail(self, node, why: str):
        raise Error(f"{_source_line(node)}: error: {node.target} is not supported by lp.from_torch: {why}")

    def shape(self, node):
        return tuple(int(d) for d in node.meta["val"].shape)

    def arg(self, a):
        if isinstance(a, (list, tuple)):
            return [self.arg(x) for x in a]
        if hasattr(a, "name") and a.name in self.values:
            return self.values[a.name]
        return a

    def tensor(self, a, like: Value):
        """A value for an operand: a node's value, or a Python number as a
        constant of `like`'s element type."""
        if isinstance(a, (int, float)):
            return self.b.constant(float(a), like.dtype)
        return self.arg(a)

    def convert(self, node):
        import torch

        aten = torch.ops.aten
        t, b = node.target, self.b
        a = [self.arg(x) for x in node.args]
        kw = node.kwargs

        def unary(fn):
            return fn(a[0])

        if t == aten.linear.default:
            w = b.transpose(a[1], (1, 0))
            return b.linear(a[0], w, a[2] if len(a) > 2 and a[2] is not None else None)
        if t in (aten.relu.default,):
            return unary(b.relu)
        if t == aten.tanh.default:
            return unary(b.tanh)
        if t == aten.sigmoid.default:
            return unary(b.sigmoid)
        if t == aten.exp.default:
            return unary(b.exp)
        if t == aten.log.default:
            return unary(b.log)
        if t == aten.sqrt.default:
            return unary(b.sqrt)
        if t == aten.gelu.default:
            return b.gelu(a[0], kw.get("approximate", "none"))
        if t in (aten.softmax.int, aten._softmax.default):
            return b.softmax(a[0], int(a[1]))
        if t in (aten.log_softmax.int, aten._log_softmax.default):
            return b.log_softmax(a[0], int(a[1]))
        if t in (aten.add.Tensor, aten.sub.Tensor, aten.mul.Tensor, aten.div.Tensor):
            if t in (aten.add.Tensor, aten.sub.Tensor) and kw.get("alpha", 1) != 1:
                self.fail(node, "alpha other than 1")
            if t == aten.div.Tensor and kw.get("rounding_mode") is not None:
                self.fail(node, "a rounding mode")
            lhs, rhs = a[0], a[1]
            if not isinstance(lhs, Value):
                lhs = self.tensor(lhs, rhs)
            rhs = self.tensor(rhs, lhs)
            fn = {aten.add.Tensor: b.add, aten.sub.Tensor: b.sub, aten.mul.Tensor: b.mul, aten.div.Tensor: b.div}[t]
            return fn(lhs, rhs)
        if t in (aten.matmul.default, aten.bmm.default, aten.mm.default):
            if len(a[0].shape) != len(a[1].shape):
                self.fail(node, "operands of different ranks (lp.matmul takes equal batch dimensions)")
            return b.matmul(a[0], a[1])
        if t == aten.conv2d.default:
            stride, padding = (list(a[3]) if len(a) > 3 else [1, 1]), (list(a[4]) if len(a) > 4 else [0, 0])
            dilation, groups = (list(a[5]) if len(a) > 5 else [1, 1]), (a[6] if len(a) > 6 else 1)
            if isinstance(padding, str) or dilation != [1, 1] or groups != 1:
                self.fail(node, "dilation, groups or string padding")
            stride = stride * 2 if len(stride) == 1 else stride
            padding = padding * 2 if len(padding) == 1 else padding
            return b.conv2d(a[0], a[1], a[2] if len(a) > 2 else None, stride, padding)
        if t in (aten.max_pool2d.default, aten.avg_pool2d.default):
            kernel = list(a[1])
            kernel = kernel * 2 if len(kernel) == 1 else kernel
            stride = list(a[2]) if len(a) > 2 and a[2] else kernel
            stride = stride * 2 if len(stride) == 1 else stride
            padding = list(a[3]) if len(a) > 3 else [0, 0]
            padding = padding * 2 if len(padding) == 1 else padding
            if t == aten.max_pool2d.default:
                if (len(a) > 4 and list(a[4]) not in ([1], [1, 1])) or (len(a) > 5 and a[5]):
                    self.fail(node, "dilation or ceil_mode")
                return b.max_pool2d(a[0], kernel, stride, padding)
            if (len(a) > 4 and a[4]) or (len(a) > 5 and not a[5]) or (len(a) > 6 and a[6] is not None):
                self.fail(node, "ceil_mode, count_include_pad=False or divisor_override")
            return b.avg_pool2d(a[0], kernel, stride, padding)
        if t == aten.layer_norm.default:
            if len(a[1]) != 1 or len(a) < 4 or a[2] is None or a[3] is None:
                self.fail(node, "normalization over several dimensions or without affine parameters")
            return b.layer_norm(a[0], a[2], a[3], -1, float(a[4]) if len(a) > 4 else 1e-5)
        if t == aten.embedding.default:
            if (len(a) > 2 and a[2] != -1) or (len(a) > 3 and a[3]):
                self.fail(node, "padding_idx or scale_grad_by_freq")
            return b.embedding(a[1], a[0])
        if t in (aten.view.default, aten.reshape.default, aten._unsafe_view.default, aten.flatten.using_ints,
                 aten.unsqueeze.default, aten.squeeze.dim, aten.contiguous.default, aten.clone.default):
            shape = self.shape(node)
            return a[0] if shape == a[0].shape else b.reshape(a[0], shape)
        if t == aten.permute.default:
            return b.transpose(a[0], [int(p) % len(a[0].shape) for p in a[1]])
        if t in (aten.transpose.int, aten.t.default):
            rank = len(a[0].shape)
            if rank < 2:
                return a[0]  # t() of a vector
            d0, d1 = (int(a[1]) % rank, int(a[2]) % rank) if t == aten.transpose.int else (0, 1)
            perm = list(range(rank))
            perm[d0], perm[d1] = perm[d1], perm[d0]
            return b.transpose(a[0], perm)
        if t == aten.slice.Tensor:
            rank = len(a[0].shape)
            dim = int(a[1]) % rank if len(a) > 1 else 0
            start = a[2] if len(a) > 2 and a[2] is not None else 0
            end = a[3] if len(a) > 3 and a[3] is not None else a[0].shape[dim]
            step = a[4] if len(a) > 4 else 1
            if start == 0 and end >= a[0].shape[dim] and step == 1:
                return a[0]  # the whole dimension
            self.fail(node, "slicing a part of a dimension (the dialect has no slice yet)")
        if t in (aten.alias.default, aten.detach.default, aten.detach_.default, aten.lift_fresh_copy.default):
            return a[0]
        if t in (aten.dropout.default, aten.native_dropout.default):
            if float(a[1]) > 0 and (len(a) < 3 or a[2]):
                self.fail(node, "dropout with p > 0 (the dialect has no dropout yet)")
            return a[0]
        if t in (aten.sum.default, aten.mean.default, aten.sum.dim_IntList, aten.mean.dim, aten.amax.default):
            if kw.get("dtype") is not None:
                self.fail(node, "a dtype argument")
            rank = len(a[0].shape)
            whole = t in (aten.sum.default, aten.mean.default) or len(a) < 2 or not a[1]
            dims = list(range(rank)) if whole or not a[1] else [int(d) % rank for d in a[1]]
            keep = False if whole else bool(a[2]) if len(a) > 2 else False
            fn = b.reduce_mean if t in (aten.mean.default, aten.mean.dim) else \
                b.reduce_max if t == aten.amax.default else b.reduce_sum
            return fn(a[0], dims, keep)
        if t == aten.broadcast_tensors.default:
            shapes = {v.shape for v in a[0]}
            if len(shapes) != 1:
                self.fail(node, "tensors of different shapes (lp's binary ops broadcast themselves)")
            return list(a[0])
        if t is operator.getitem and isinstance(a[0], list):
            return a[0][a[1]]
        if t == aten.cross_entropy_loss.default:
            if (len(a) > 2 and a[2] is not None) or (len(a) > 3 and a[3] != 1) or \
                    (len(a) > 4 and a[4] != -100) or (len(a) > 5 and a[5] != 0.0):
                self.fail(node, "class weights, a reduction other than mean, ignore_index or label smoothing")
            return b.cross_entropy(a[0], a[1])
        if t == aten.mse_loss.default:
            if len(a) > 2 and a[2] != 1:
                self.fail(node, "a reduction other than mean")
            return b.mse_loss(a[0], a[1])
        self.fail(node, "no translation to lp ops")

    def run(self, names: dict[str, str]):
        """Converts the graph; `names` maps placeholders to lp argument
        names and roles. Returns the output values."""
        for node in self.ep.graph.nodes:
            if node.op == "placeholder":
                continue
            if node.op == "output":
                return [self.values[o.name] for o in node.args[0]]
            layer = _layer(node, self.prefix)
            if layer:
                with self.b.layer(layer):
                    self.values[node.name] = self.convert(node)
            else:
                self.values[node.name] = self.convert(node)
        raise Error("the exported graph has no output")


def from_torch(module, example_inputs: Sequence, loss: Callable | None = None, targets: Sequence = (),
               name: str | None = None) -> Model:
    """The LP model of `module` applied to `example_inputs` (the batch's
    inputs, in forward's order; their names are forward's parameter names)
    followed by `loss(output, *targets)` when given (`targets` are the
    batch's labels or target tensors, named `target`, `target1`, ...),
    else the module's own output as the loss. The model's initial
    parameters (`model.initial_params`, which lp.compile starts from) are
    the module's current values, under its parameter names."""
    import inspect

    import torch

    inputs = tuple(example_inputs)
    targets = tuple(targets)
    forward_names = [p for p in inspect.signature(module.forward).parameters][:len(inputs)]
    target_names = ["target" if i == 0 else f"target{i}" for i in range(len(targets))]

    class _WithLoss(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.m = inner

        def forward(self, *args):
            out = self.m(*args[:len(inputs)])
            return loss(out, *args[len(inputs):]) if loss is not None else out

    wrapped = _WithLoss(module)
    ep = torch.export.export(wrapped, inputs + targets)
    sig = ep.graph_signature
    params = dict(sig.inputs_to_parameters)
    buffers = dict(sig.inputs_to_buffers)
    lifted = dict(getattr(sig, "inputs_to_lifted_tensor_constants", {}) or {})
    state = ep.state_dict
    b = ModelBuilder(name or type(module).__name__.lower())
    importer = _Importer(ep, b, "m.")
    initial, bound = {}, {}
    user = iter(forward_names + target_names)
    for node in ep.graph.nodes:
        if node.op != "placeholder":
            continue
        val = node.meta["val"]
        shape = tuple(int(d) for d in val.shape)
        dtype = str(val.dtype).replace("torch.", "")
        if node.name in lifted:  # a tensor constant of the forward pass
            value = ep.constants[lifted[node.name]]
            importer.values[node.name] = b.constant(value.detach().cpu().numpy(), dtype)
            continue
        if node.name in params or node.name in buffers:
            fqn = params.get(node.name) or buffers[node.name]
            pname = fqn[2:] if fqn.startswith("m.") else fqn
            if node.name in buffers:
                # A buffer (a causal mask) is data the step reads: an input
                # that lp.compile's step binds itself every call.
                importer.values[node.name] = b.input(pname, shape, dtype)
                bound[pname] = state[fqn].detach().cpu().numpy().copy() if fqn in state else \
                    dict(ep.named_buffers())[fqn].detach().cpu().numpy().copy()
                continue
            owner = pname.rpartition(".")[0]
            if owner:  # the parameter's module, as its ops'
                with b.layer(owner):
                    importer.values[node.name] = b.param(pname, shape, dtype=dtype)
            else:
                importer.values[node.name] = b.param(pname, shape, dtype=dtype)
            initial[pname] = state[fqn].detach().cpu().numpy().copy()
        else:
            arg = next(user)
            is_target = arg in target_names
            if is_target and dtype in ("int64", "int32"):
                importer.values[node.name] = b.label(arg, shape, dtype)
            else:
                importer.values[node.name] = b.input(arg, shape, dtype)
    outputs = importer.run({})
    if len(outputs) == 1:
        model = b.build({"loss": outputs[0]})
    else:
        model = b.build({f"loss{i}": v for i, v in enumerate(outputs)})
    model.initial_params = initial
    model.bound_inputs = bound
    return model
