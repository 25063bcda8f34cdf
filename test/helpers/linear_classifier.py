"""A linear softmax classifier (8 examples of 4 features, 3 classes) and its
float64 numpy gradients: the small model the train-step tests train when
they need an exact reference over many steps."""

from __future__ import annotations

import numpy as np

MODEL = """
func.func @lin(%x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
               %w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
               %b: tensor<3xf32> {lp.role = "param", lp.name = "b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %h, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
"""

BATCH = 8


def batch_of(x, y, step):
    """Step `step`'s batch with --no-shuffle, in float64."""
    first = (step % (x.shape[0] // BATCH)) * BATCH
    return x[first:first + BATCH].astype(np.float64), y[first:first + BATCH]


def gradients(p, xb, yb):
    """d mean cross-entropy / d {w, b} in float64 (inf/NaN pass through)."""
    with np.errstate(all="ignore"):
        z = xb @ p["w"] + p["b"]
        e = np.exp(z - z.max(axis=1, keepdims=True))
        dz = e / e.sum(axis=1, keepdims=True)
        dz[np.arange(len(yb)), yb] -= 1
        dz /= len(yb)
        return {"w": xb.T @ dz, "b": dz.sum(axis=0)}
