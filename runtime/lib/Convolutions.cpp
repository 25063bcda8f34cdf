//===- Convolutions.cpp - the direct convolutions steps call --------------===//

#include "lp/Runtime/Convolutions.h"
#include "lp/Runtime/Contractions.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#ifdef LP_DNNL_LIBRARY
#include "OneDnnApi.h"
#endif

using namespace lp::rt;

namespace {

const char *kindName(ConvKind kind) {
  return kind == ConvKind::Forward      ? "forward"
         : kind == ConvKind::GradFilter ? "filter gradient"
                                        : "input gradient";
}

/// The formulas of Convolutions.h as loops (no oneDNN).
void loops(ConvKind kind, const float *a, const float *b, float *out,
           const ConvShape &s) {
  auto at = [](int64_t i0, int64_t i1, int64_t i2, int64_t i3, int64_t d1,
               int64_t d2,
               int64_t d3) { return ((i0 * d1 + i1) * d2 + i2) * d3 + i3; };
  switch (kind) {
  case ConvKind::Forward:
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t f = 0; f < s.f; ++f)
        for (int64_t oh = 0; oh < s.oh; ++oh)
          for (int64_t ow = 0; ow < s.ow; ++ow) {
            float acc = 0;
            for (int64_t c = 0; c < s.c; ++c)
              for (int64_t kh = 0; kh < s.kh; ++kh)
                for (int64_t kw = 0; kw < s.kw; ++kw)
                  acc += a[at(n, c, oh * s.sh + kh, ow * s.sw + kw, s.c, s.h,
                              s.w)] *
                         b[at(f, c, kh, kw, s.c, s.kh, s.kw)];
            out[at(n, f, oh, ow, s.f, s.oh, s.ow)] = acc;
          }
    return;
  case ConvKind::GradFilter:
    for (int64_t f = 0; f < s.f; ++f)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t kh = 0; kh < s.kh; ++kh)
          for (int64_t kw = 0; kw < s.kw; ++kw) {
            float acc = 0;
            for (int64_t n = 0; n < s.n; ++n)
              for (int64_t oh = 0; oh < s.oh; ++oh)
                for (int64_t ow = 0; ow < s.ow; ++ow)
                  acc += a[at(n, c, oh * s.sh + kh, ow * s.sw + kw, s.c, s.h,
                              s.w)] *
                         b[at(n, f, oh, ow, s.f, s.oh, s.ow)];
            out[at(f, c, kh, kw, s.c, s.kh, s.kw)] = acc;
          }
    return;
  case ConvKind::GradInput: {
    int64_t hd = s.h + s.kh - 1, wd = s.w + s.kw - 1;
    for (int64_t n = 0; n < s.n; ++n)
      for (int64_t c = 0; c < s.c; ++c)
        for (int64_t ih = 0; ih < s.h; ++ih)
          for (int64_t iw = 0; iw < s.w; ++iw) {
            float acc = 0;
            for (int64_t f = 0; f < s.f; ++f)
              for (int64_t kh = 0; kh < s.kh; ++kh)
                for (int64_t kw = 0; kw < s.kw; ++kw)
                  acc += a[at(n, f, ih + kh, iw + kw, s.f, hd, wd)] *
                         b[at(f, c, kh, kw, s.c, s.kh, s.kw)];
            out[at(n, c, ih, iw, s.c, s.h, s.w)] = acc;
          }
    return;
  }
  }
}

#ifdef LP_DNNL_LIBRARY
using lp::rt::dnnl::api;
using lp::rt::dnnl::engine;

/// A buffer as the caller lays it out (`user`, its handle set per call)
/// and as the primitive wants it (`lib`, allocated by oneDNN, with reorder
/// primitives between them); `lib` is `user` when the layouts agree.
struct Operand {
  dnnl_memory_t user = nullptr, lib = nullptr;
  dnnl_primitive_t reorder = nullptr;
};

struct Conv {
  dnnl_primitive_t primitive = nullptr;
  Operand in0, in1, out;
  int in0Arg = 0, in1Arg = 0, outArg = 0;
  std::string implementation;
  int64_t rows = 0, cols = 0; // GradInput: the rows/columns of dx computed
  std::vector<float> filter;  // GradInput: the filter unflipped
};

using Key =
    std::tuple<int, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
               int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>;

/// A thread's stream and convolutions, released when the thread ends.
struct ThreadState {
  dnnl_stream_t stream = nullptr;
  std::map<Key, Conv> convs;
  ~ThreadState() {
    for (auto &entry : convs) {
      Conv &c = entry.second;
      if (c.primitive)
        api.primitiveDestroy(c.primitive);
      for (Operand *o : {&c.in0, &c.in1, &c.out}) {
        if (o->reorder)
          api.primitiveDestroy(o->reorder);
        if (o->lib && o->lib != o->user)
          api.memoryDestroy(o->lib);
        if (o->user)
          api.memoryDestroy(o->user);
      }
    }
    if (stream)
      api.streamDestroy(stream);
  }
};

dnnl_memory_desc_t strided(const int64_t (&dims)[4],
                           const int64_t (&strides)[4]) {
  dnnl_memory_desc_t md;
  dnnl_dims_t d = {dims[0], dims[1], dims[2], dims[3]};
  dnnl_dims_t s = {strides[0], strides[1], strides[2], strides[3]};
  api.memoryDescInit(&md, 4, d, dnnl_f32, s);
  return md;
}

dnnl_memory_desc_t dense(const int64_t (&dims)[4]) {
  return strided(dims,
                 {dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1});
}

dnnl_memory_desc_t any(const int64_t (&dims)[4]) {
  dnnl_memory_desc_t md;
  dnnl_dims_t d = {dims[0], dims[1], dims[2], dims[3]};
  api.memoryDescInitByTag(&md, 4, d, dnnl_f32, dnnl_format_tag_any);
  return md;
}

/// `user` and the primitive's layout `lib` of one operand; `toLib`: the
/// reorder runs before the primitive (an input), else after (the output).
bool makeOperand(Operand &o, const dnnl_memory_desc_t &user,
                 const dnnl_memory_desc_t *lib, bool toLib) {
  if (api.memoryCreate(&o.user, &user, engine, DNNL_MEMORY_NONE) !=
      dnnl_success)
    return false;
  if (api.memoryDescEqual(&user, lib)) {
    o.lib = o.user;
    return true;
  }
  if (api.memoryCreate(&o.lib, lib, engine, DNNL_MEMORY_ALLOCATE) !=
      dnnl_success)
    return false;
  dnnl_primitive_desc_t pd;
  const dnnl_memory_desc_t *from = toLib ? &user : lib;
  const dnnl_memory_desc_t *to = toLib ? lib : &user;
  if (api.reorderPdCreate(&pd, from, engine, to, engine, nullptr) !=
      dnnl_success)
    return false;
  bool ok = api.primitiveCreate(&o.reorder, pd) == dnnl_success;
  api.pdDestroy(pd);
  return ok;
}

/// The primitive and operands of one call shape; false when oneDNN has no
/// kernel for it but its reference one.
bool build(Conv &conv, ConvKind kind, const ConvShape &s) {
  int64_t ih = s.h, iw = s.w, pl[2] = {0, 0}, pr[2] = {0, 0};
  if (kind == ConvKind::GradInput) {
    // The padding on the far side that the windows reach; rows beyond
    // them get no gradient (the caller zeroes them).
    pl[0] = s.ph;
    pl[1] = s.pw;
    pr[0] = (s.oh - 1) * s.sh + s.kh - s.h - s.ph;
    pr[1] = (s.ow - 1) * s.sw + s.kw - s.w - s.pw;
    if (pr[0] < 0) {
      ih += pr[0];
      pr[0] = 0;
    }
    if (pr[1] < 0) {
      iw += pr[1];
      pr[1] = 0;
    }
  } else {
    // The padded input's rows and columns the windows read.
    ih = (s.oh - 1) * s.sh + s.kh;
    iw = (s.ow - 1) * s.sw + s.kw;
  }
  conv.rows = ih;
  conv.cols = iw;
  const int64_t src[4] = {s.n, s.c, ih, iw}, wei[4] = {s.f, s.c, s.kh, s.kw},
                dst[4] = {s.n, s.f, s.oh, s.ow};
  dnnl_memory_desc_t srcAny = any(src), weiAny = any(wei), dstAny = any(dst);
  dnnl_dims_t strides = {s.sh, s.sw}, padL = {pl[0], pl[1]},
              padR = {pr[0], pr[1]};
  dnnl_convolution_desc_t fwd;
  if (api.convForwardInit(&fwd, dnnl_forward_training, dnnl_convolution_direct,
                          &srcAny, &weiAny, nullptr, &dstAny, strides, padL,
                          padR) != dnnl_success)
    return false;
  dnnl_primitive_desc_t fwdPd;
  if (api.pdCreate(&fwdPd, &fwd, nullptr, engine, nullptr) != dnnl_success)
    return false;
  dnnl_primitive_desc_t pd = fwdPd;
  if (kind != ConvKind::Forward) {
    dnnl_convolution_desc_t bwd;
    dnnl_status_t st =
        kind == ConvKind::GradFilter
            ? api.convBackwardWeightsInit(&bwd, dnnl_convolution_direct,
                                          &srcAny, &weiAny, nullptr, &dstAny,
                                          strides, padL, padR)
            : api.convBackwardDataInit(&bwd, dnnl_convolution_direct, &srcAny,
                                       &weiAny, &dstAny, strides, padL, padR);
    if (st != dnnl_success ||
        api.pdCreate(&pd, &bwd, nullptr, engine, fwdPd) != dnnl_success) {
      api.pdDestroy(fwdPd);
      return false;
    }
    api.pdDestroy(fwdPd);
  }
  const char *impl = nullptr;
  api.pdQuery(pd, dnnl_query_impl_info_str, 0, &impl);
  conv.implementation = std::string("onednn ") + (impl ? impl : "");
  bool ok = conv.implementation.rfind("onednn ref", 0) != 0;
  // The callers' layouts: the forward and filter-gradient input is a view
  // of the padded input's first rows and columns; the input gradient's dy
  // is a view of the spread buffer, and dx a view of its first rows.
  int64_t hw = s.h * s.w;
  dnnl_memory_desc_t inputView = strided(src, {s.c * hw, hw, s.w, 1});
  switch (kind) {
  case ConvKind::Forward:
    ok = ok &&
         makeOperand(conv.in0, inputView,
                     api.pdQueryMd(pd, dnnl_query_src_md, 0), true) &&
         makeOperand(conv.in1, dense(wei),
                     api.pdQueryMd(pd, dnnl_query_weights_md, 0), true) &&
         makeOperand(conv.out, dense(dst),
                     api.pdQueryMd(pd, dnnl_query_dst_md, 0), false);
    conv.in0Arg = DNNL_ARG_SRC;
    conv.in1Arg = DNNL_ARG_WEIGHTS;
    conv.outArg = DNNL_ARG_DST;
    break;
  case ConvKind::GradFilter:
    ok = ok &&
         makeOperand(conv.in0, inputView,
                     api.pdQueryMd(pd, dnnl_query_src_md, 0), true) &&
         makeOperand(conv.in1, dense(dst),
                     api.pdQueryMd(pd, dnnl_query_diff_dst_md, 0), true) &&
         makeOperand(conv.out, dense(wei),
                     api.pdQueryMd(pd, dnnl_query_diff_weights_md, 0), false);
    conv.in0Arg = DNNL_ARG_SRC;
    conv.in1Arg = DNNL_ARG_DIFF_DST;
    conv.outArg = DNNL_ARG_DIFF_WEIGHTS;
    break;
  case ConvKind::GradInput: {
    int64_t hd = s.h + s.kh - 1, wd = s.w + s.kw - 1;
    ok = ok &&
         makeOperand(conv.in0,
                     strided(dst, {s.f * hd * wd, hd * wd, s.sh * wd, s.sw}),
                     api.pdQueryMd(pd, dnnl_query_diff_dst_md, 0), true) &&
         makeOperand(conv.in1, dense(wei),
                     api.pdQueryMd(pd, dnnl_query_weights_md, 0), true) &&
         makeOperand(conv.out, inputView,
                     api.pdQueryMd(pd, dnnl_query_diff_src_md, 0), false);
    conv.in0Arg = DNNL_ARG_DIFF_DST;
    conv.in1Arg = DNNL_ARG_WEIGHTS;
    conv.outArg = DNNL_ARG_DIFF_SRC;
    conv.filter.resize(s.f * s.c * s.kh * s.kw);
    break;
  }
  }
  ok = ok && api.primitiveCreate(&conv.primitive, pd) == dnnl_success;
  api.pdDestroy(pd);
  return ok;
}

/// Runs `kind` on oneDNN; false when oneDNN cannot (then nothing was
/// written).
bool oneDnn(ConvKind kind, const float *a, const float *b, float *out,
            const ConvShape &s, const char *&implementation) {
  if (!lp::rt::dnnl::loaded)
    return false;
  thread_local ThreadState t;
  if (!t.stream && api.streamCreate(&t.stream, engine,
                                    dnnl_stream_default_flags) != dnnl_success)
    return false;
  Key key{int(kind), s.n,  s.c,  s.h,  s.w,  s.f,  s.kh,
          s.kw,      s.oh, s.ow, s.sh, s.sw, s.ph, s.pw};
  auto [it, fresh] = t.convs.try_emplace(key);
  Conv &conv = it->second;
  if (fresh && !build(conv, kind, s))
    conv.primitive = nullptr;
  if (!conv.primitive)
    return false;
  const float *in0 = a, *in1 = b;
  if (kind == ConvKind::GradInput) {
    // dy starts at (KH-1-ph, KW-1-pw) of the spread buffer; the filter
    // comes flipped in (kh, kw).
    in0 = a + (s.kh - 1 - s.ph) * (s.w + s.kw - 1) + (s.kw - 1 - s.pw);
    int64_t k = s.kh * s.kw;
    for (int64_t fc = 0; fc < s.f * s.c; ++fc)
      for (int64_t i = 0; i < k; ++i)
        conv.filter[fc * k + i] = b[fc * k + (k - 1 - i)];
    in1 = conv.filter.data();
  }
  api.setHandle(conv.in0.user, const_cast<float *>(in0));
  api.setHandle(conv.in1.user, const_cast<float *>(in1));
  api.setHandle(conv.out.user, out);
  auto reorder = [&](Operand &o, bool toLib) {
    if (!o.reorder)
      return true;
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, toLib ? o.user : o.lib},
                              {DNNL_ARG_TO, toLib ? o.lib : o.user}};
    return api.execute(o.reorder, t.stream, 2, args) == dnnl_success;
  };
  dnnl_exec_arg_t args[] = {{conv.in0Arg, conv.in0.lib},
                            {conv.in1Arg, conv.in1.lib},
                            {conv.outArg, conv.out.lib}};
  if (!reorder(conv.in0, true) || !reorder(conv.in1, true) ||
      api.execute(conv.primitive, t.stream, 3, args) != dnnl_success ||
      !reorder(conv.out, false))
    return false;
  api.streamWait(t.stream);
  if (kind == ConvKind::GradInput &&
      (conv.rows < s.h || conv.cols < s.w)) // rows no window reaches
    for (int64_t nc = 0; nc < s.n * s.c; ++nc)
      for (int64_t ih = 0; ih < s.h; ++ih)
        for (int64_t iw = ih < conv.rows ? conv.cols : 0; iw < s.w; ++iw)
          out[(nc * s.h + ih) * s.w + iw] = 0.0f;
  implementation = conv.implementation.c_str();
  return true;
}
#endif

/// Records that `runner` ran a `kind` convolution: the text is built only
/// the first time a thread meets the pair.
void noteConvolution(ConvKind kind, const char *runner) {
  thread_local std::set<std::pair<int, const char *>> seen;
  if (seen.insert({int(kind), runner}).second)
    recordKernel(std::string("conv ") + kindName(kind) + ": " + runner);
}

} // namespace

void lp::rt::convolution(ConvKind kind, const float *a, const float *b,
                         float *out, const ConvShape &shape) {
#ifdef LP_DNNL_LIBRARY
  // LP_CONVOLUTION=loops forces the loops (to test them where oneDNN is).
  static const bool forceLoops = [] {
    const char *v = std::getenv("LP_CONVOLUTION");
    return v && std::string(v) == "loops";
  }();
  const char *impl = nullptr;
  if (!forceLoops && oneDnn(kind, a, b, out, shape, impl)) {
    noteConvolution(kind, impl);
    return;
  }
#endif
  noteConvolution(kind, "loops");
  loops(kind, a, b, out, shape);
}
