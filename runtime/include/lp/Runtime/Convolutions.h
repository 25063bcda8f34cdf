//===- Convolutions.h - the direct convolutions steps call ------*- C++ -*-===//
//
// lp-convs-to-library's calls (`lp_conv2d_f32`, `lp_conv2d_grad_filter_f32`,
// `lp_conv2d_grad_input_f32`): f32, contiguous NCHW / FCHW buffers, with
// the semantics convert-lp-to-linalg's `conv-library` gives them:
//
//   Forward:    out[n,f,oh,ow] = sum a[n,c,oh*sh+kh,ow*sw+kw] b[f,c,kh,kw]
//               (a: the input already padded, [N,C,H,W]; ph = pw = 0)
//   GradFilter: out[f,c,kh,kw] = sum a[n,c,oh*sh+kh,ow*sw+kw] b[n,f,oh,ow]
//   GradInput:  out[n,c,ih,iw] = sum a[n,f,ih+kh,iw+kw] b[f,c,kh,kw]
//               (a: dy spread `stride` apart at (KH-1-ph, KW-1-pw) in
//               zeros of [N,F,H+KH-1,W+KW-1]; b: the filter flipped; out:
//               the unpadded input gradient [N,C,H,W])
//
// They run on oneDNN's direct convolutions (forward, backward weights,
// backward data on the original dy and filter), kernels by ISA, with the
// primitives and the reorders to and from oneDNN's blocked layouts created
// once per shape and thread; without oneDNN (or with LP_CONVOLUTION=loops),
// on plain loops of the formulas above.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_CONVOLUTIONS_H
#define LP_RUNTIME_CONVOLUTIONS_H

#include <cstdint>

namespace lp {
namespace rt {

enum class ConvKind { Forward, GradFilter, GradInput };

/// The sizes of one call: N, C, H, W (of `a` for Forward and GradFilter,
/// of `out` for GradInput), F, KH, KW, OH, OW, stride and padding.
struct ConvShape {
  int64_t n, c, h, w, f, kh, kw, oh, ow, sh, sw, ph, pw;
};

/// Runs one convolution call (see above) into `out`.
void convolution(ConvKind kind, const float *a, const float *b, float *out,
                 const ConvShape &shape);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_CONVOLUTIONS_H
