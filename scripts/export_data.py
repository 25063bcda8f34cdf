#!/usr/bin/env python3
"""Export the example datasets to .npz files, offline and deterministically.

    python3 scripts/export_data.py [--out examples/data]

Writes (into --out, default examples/data/, which is git-ignored):

  digits.npz           scikit-learn's 8x8 digits (1797 images, bundled with the
                       installed package, no download). Fixed permutation
                       (numpy.random.default_rng(0)), first 80% train, rest test.
                         x_train [1437, 64] float32 in [0, 1] (pixels / 16)
                         y_train [1437]     int64 in [0, 10)
                         x_test  [360, 64]  float32
                         y_test  [360]      int64
                         x_train_img [1437, 1, 8, 8] float32 (NCHW copy)
                         x_test_img  [360, 1, 8, 8]  float32
  chars.npz            character-level corpus from /usr/share/common-licenses/GPL-3
                       (falls back to the text of Python's `this` module).
                       96-symbol vocabulary: printable ASCII 32..126 -> 0..94,
                       every other character (newline, tab, non-ASCII) -> 95.
                         train [N_train] int64 (first 90% of the tokens)
                         test  [N_test]  int64 (last 10%)
                         vocab_size () int64 = 96
  digits_batch.npz     one batch for examples/digits_mlp.mlir:
                         x [64, 64] float32, y [64] int64 (first 64 training
                         examples)
  digits_cnn_batch.npz one batch for examples/digits_cnn.mlir:
                         x [64, 1, 8, 8] float32, y [64] int64 (same examples)
  chars_batch.npz      one batch for examples/char_lm.mlir (B = 16, T = 32):
                         tokens [16, 32] int64: tokens[b] = train[b*T : b*T + T]
                           (16 consecutive, non-overlapping windows from the
                           start of the training split)
                         y [512] int64: the next-token targets
                           train[b*T + 1 : b*T + T + 1], flattened row-major to
                           [B*T] so that they line up with logits [B*T, 96]
                         causal_mask [32, 32] float32: additive attention mask,
                           0 where key position <= query position, -1e9 above
                           the diagonal (the dialect has no constant op, so the
                           model takes the mask as an input)
                         attn_scale () float32 = 1/sqrt(d_head) = 0.25 for
                           d_model 64 with 4 heads (same reason)

Idempotent: a file that already holds exactly these arrays is left untouched
(reported as "up to date"); otherwise it is rewritten. Takes well under a
second apart from importing scikit-learn.
"""

import argparse
import os
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

VOCAB = 96
UNKNOWN = 95
BATCH = 64
LM_BATCH = 16
LM_SEQ = 32
LM_D_HEAD = 16  # d_model 64 / 4 heads, as scripts/gen_char_lm.py's default
MASK_VALUE = -1e9


def describe(arrays):
    return ", ".join(f"{k} {list(v.shape)} {v.dtype}" for k, v in arrays.items())


def same_as_on_disk(path, arrays):
    if not os.path.exists(path):
        return False
    try:
        with np.load(path) as old:
            if sorted(old.files) != sorted(arrays):
                return False
            return all(old[k].dtype == v.dtype and old[k].shape == v.shape
                       and np.array_equal(old[k], v) for k, v in arrays.items())
    except Exception:
        return False


def save(path, arrays):
    """Writes `arrays` to `path` unless the file already holds exactly them."""
    rel = os.path.relpath(path, os.getcwd())
    if same_as_on_disk(path, arrays):
        print(f"up to date {rel}: {describe(arrays)}")
        return
    # Plain np.savez (stored members): the files are small.
    np.savez(path, **arrays)
    print(f"wrote {rel}: {describe(arrays)}")


def export_digits(out):
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)  # [1797, 64], values 0..16
    y = digits.target.astype(np.int64)
    perm = np.random.default_rng(0).permutation(len(x))
    x, y = x[perm], y[perm]
    n_train = int(0.8 * len(x))
    arrays = {
        "x_train": x[:n_train],
        "y_train": y[:n_train],
        "x_test": x[n_train:],
        "y_test": y[n_train:],
        "x_train_img": x[:n_train].reshape(-1, 1, 8, 8),
        "x_test_img": x[n_train:].reshape(-1, 1, 8, 8),
    }
    save(os.path.join(out, "digits.npz"), arrays)
    save(os.path.join(out, "digits_batch.npz"),
         {"x": arrays["x_train"][:BATCH], "y": arrays["y_train"][:BATCH]})
    save(os.path.join(out, "digits_cnn_batch.npz"),
         {"x": arrays["x_train_img"][:BATCH], "y": arrays["y_train"][:BATCH]})
    # Training sets for lp-run --train: arrays named after the model's
    # arguments, leading dimension = examples.
    save(os.path.join(out, "digits_train.npz"),
         {"x": arrays["x_train"], "y": arrays["y_train"]})
    save(os.path.join(out, "digits_test.npz"),
         {"x": arrays["x_test"], "y": arrays["y_test"]})
    save(os.path.join(out, "digits_cnn_train.npz"),
         {"x": arrays["x_train_img"], "y": arrays["y_train"]})
    save(os.path.join(out, "digits_cnn_test.npz"),
         {"x": arrays["x_test_img"], "y": arrays["y_test"]})


def read_corpus():
    path = "/usr/share/common-licenses/GPL-3"
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read(), path
    import codecs
    import this  # noqa: F401  (prints the Zen of Python on import)

    return codecs.decode(this.s, "rot13"), "python `this` module"


def encode(text):
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    printable = (codes >= 32) & (codes <= 126)
    return np.where(printable, codes - 32, UNKNOWN).astype(np.int64)


def causal_mask(t):
    above = np.triu(np.ones((t, t), dtype=bool), k=1)
    return np.where(above, np.float32(MASK_VALUE), np.float32(0.0)).astype(np.float32)


def export_chars(out):
    text, source = read_corpus()
    tokens = encode(text)
    n_train = int(0.9 * len(tokens))
    train, test = tokens[:n_train], tokens[n_train:]
    print(f"corpus: {source}, {len(tokens)} characters")
    save(os.path.join(out, "chars.npz"),
         {"train": train, "test": test, "vocab_size": np.array(VOCAB, np.int64)})
    b, t = LM_BATCH, LM_SEQ
    need = b * t + 1
    assert len(train) >= need, "corpus too short for one batch"
    window = train[:need]
    inputs = window[:-1].reshape(b, t)
    targets = window[1:].reshape(b * t)  # == train[i + 1] for inputs.flat[i]
    save(os.path.join(out, "chars_batch.npz"), {
        "tokens": inputs,
        "y": targets,
        "causal_mask": causal_mask(t),
        "attn_scale": np.array(1.0 / np.sqrt(LM_D_HEAD), np.float32),
    })
    # Training / held-out sets: non-overlapping windows of LM_SEQ tokens and
    # their next tokens, one example per window; mask and scale are fixed
    # inputs (same shape as the model's arguments).
    for name, stream in (("train", train), ("test", test)):
        n = (len(stream) - 1) // t
        save(os.path.join(out, f"chars_{name}.npz"), {
            "tokens": stream[:n * t].reshape(n, t),
            "y": stream[1:n * t + 1].reshape(n, t),
            "causal_mask": causal_mask(t),
            "attn_scale": np.array(1.0 / np.sqrt(LM_D_HEAD), np.float32),
        })


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO, "examples", "data"),
                        help="output folder (default: examples/data)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    export_digits(args.out)
    export_chars(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
