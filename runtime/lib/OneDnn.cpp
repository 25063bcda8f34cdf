//===- OneDnn.cpp - f32 products through oneDNN ---------------------------===//
//
// oneDNN's C API, looked up with dlsym (its types from dnnl.h). Each thread
// keeps its own stream and primitive cache, so primitives are never run
// by two threads at once and the cache needs no lock.
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/OneDnn.h"

#ifdef LP_DNNL_LIBRARY
#include "OneDnnApi.h"

#include <dlfcn.h>
#include <map>
#include <memory>
#include <tuple>

lp::rt::dnnl::Api lp::rt::dnnl::api;
bool lp::rt::dnnl::loaded = false;
dnnl_engine_t lp::rt::dnnl::engine = nullptr;

namespace {

struct IsaName {
  const char *name;
  dnnl_cpu_isa_t isa;
};
const IsaName kIsas[] = {{"sse41", dnnl_cpu_isa_sse41},
                         {"avx2", dnnl_cpu_isa_avx2},
                         {"avx512_core", dnnl_cpu_isa_avx512_core},
                         {"avx512_core_bf16", dnnl_cpu_isa_avx512_core_bf16},
                         {"avx512_core_amx", dnnl_cpu_isa_avx512_core_amx}};

using lp::rt::dnnl::api;
using lp::rt::dnnl::engine;
using lp::rt::dnnl::loaded;

/// One cached product: the primitive, its memory objects (their data
/// handles set per call; `bias` only with a bias epilogue) and the
/// kernel's name.
struct Product {
  dnnl_primitive_t primitive = nullptr;
  dnnl_memory_t a = nullptr, b = nullptr, c = nullptr, bias = nullptr;
  std::string implementation;
};

/// (input type, transA, transB, m, n, k, lda, ldb, ldc, accumulate, bias).
using Key =
    std::tuple<int, bool, bool, int, int, int, int, int, int, bool, bool>;

/// A thread's stream and products, released when the thread ends (the
/// primitives and memory objects are oneDNN's allocations).
struct ThreadState {
  dnnl_stream_t stream = nullptr;
  std::map<Key, Product> products;
  ~ThreadState() {
    for (auto &entry : products) {
      Product &p = entry.second;
      if (p.primitive)
        api.primitiveDestroy(p.primitive);
      for (dnnl_memory_t m : {p.a, p.b, p.c, p.bias})
        if (m)
          api.memoryDestroy(m);
    }
    if (stream)
      api.streamDestroy(stream);
  }
};

std::string oneDnnIsaOf(dnnl_cpu_isa_t isa);

template <typename F> bool sym(void *h, const char *name, F &f) {
  f = reinterpret_cast<F>(dlsym(h, name));
  return f != nullptr;
}

/// The product for `key`, created on first use; null when oneDNN has no
/// implementation for it.
Product *product(ThreadState &t, const Key &key) {
  auto it = t.products.find(key);
  if (it != t.products.end())
    return it->second.primitive ? &it->second : nullptr;
  Product &p = t.products[key];
  auto [input, transA, transB, m, n, k, lda, ldb, ldc, accumulate, bias] = key;
  dnnl_data_type_t in = input == int(lp::rt::GemmInput::BF16)  ? dnnl_bf16
                        : input == int(lp::rt::GemmInput::F16) ? dnnl_f16
                                                               : dnnl_f32;
  dnnl_dims_t ad = {m, k}, bd = {k, n}, cd = {m, n};
  dnnl_dims_t as = {transA ? 1 : lda, transA ? lda : 1};
  dnnl_dims_t bs = {transB ? 1 : ldb, transB ? ldb : 1};
  dnnl_dims_t cs = {ldc, 1};
  // A bias epilogue: one f32 row added to every row of C (oneDNN adds it
  // to the f32 accumulator, before the sum post-op).
  dnnl_dims_t biasDims = {1, n}, biasStrides = {n, 1};
  dnnl_memory_desc_t amd, bmd, cmd, biasMd;
  dnnl_matmul_desc_t desc;
  if (api.memoryDescInit(&amd, 2, ad, in, as) != dnnl_success ||
      api.memoryDescInit(&bmd, 2, bd, in, bs) != dnnl_success ||
      api.memoryDescInit(&cmd, 2, cd, dnnl_f32, cs) != dnnl_success ||
      (bias && api.memoryDescInit(&biasMd, 2, biasDims, dnnl_f32,
                                  biasStrides) != dnnl_success) ||
      api.matmulDescInit(&desc, &amd, &bmd, bias ? &biasMd : nullptr, &cmd) !=
          dnnl_success)
    return nullptr;
  dnnl_primitive_attr_t attr = nullptr;
  dnnl_post_ops_t ops = nullptr;
  if (accumulate) { // beta = 1: a sum post-op
    api.attrCreate(&attr);
    api.postOpsCreate(&ops);
    api.appendSum(ops, 1.0f);
    api.setPostOps(attr, ops);
  }
  dnnl_primitive_desc_t pd = nullptr;
  dnnl_status_t status = api.pdCreate(&pd, &desc, attr, engine, nullptr);
  if (ops)
    api.postOpsDestroy(ops);
  if (attr)
    api.attrDestroy(attr);
  if (status != dnnl_success)
    return nullptr;
  const char *impl = nullptr;
  if (api.pdQuery(pd, dnnl_query_impl_info_str, 0, &impl) == dnnl_success &&
      impl)
    p.implementation = std::string("onednn ") + impl;
  // The reference kernels are loops for checking oneDNN, not for running.
  if (p.implementation.rfind("onednn ref", 0) == 0) {
    api.pdDestroy(pd);
    return nullptr;
  }
  status = api.primitiveCreate(&p.primitive, pd);
  api.pdDestroy(pd);
  if (status != dnnl_success) {
    p.primitive = nullptr;
    return nullptr;
  }
  api.memoryCreate(&p.a, &amd, engine, DNNL_MEMORY_NONE);
  api.memoryCreate(&p.b, &bmd, engine, DNNL_MEMORY_NONE);
  api.memoryCreate(&p.c, &cmd, engine, DNNL_MEMORY_NONE);
  if (bias)
    api.memoryCreate(&p.bias, &biasMd, engine, DNNL_MEMORY_NONE);
  return &p;
}

} // namespace

const char *const *lp::rt::oneDnnIsaNames() {
  static const char *const names[] = {"sse41",           "avx2",
                                      "avx512_core",     "avx512_core_bf16",
                                      "avx512_core_amx", nullptr};
  return names;
}

std::string lp::rt::loadOneDnn(const std::string &maxIsa) {
  if (loaded)
    return "";
  const IsaName *cap = nullptr;
  for (const IsaName &i : kIsas)
    if (maxIsa == i.name)
      cap = &i;
  if (!maxIsa.empty() && !cap)
    return "unknown oneDNN ISA '" + maxIsa +
           "' (expected sse41, avx2, avx512_core, avx512_core_bf16 or "
           "avx512_core_amx)";
  void *h = dlopen(LP_DNNL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (!h)
    return "cannot load oneDNN " + std::string(LP_DNNL_LIBRARY) + ": " +
           dlerror();
  bool ok = sym(h, "dnnl_engine_create", api.engineCreate) &&
            sym(h, "dnnl_stream_create", api.streamCreate) &&
            sym(h, "dnnl_memory_desc_init_by_strides", api.memoryDescInit) &&
            sym(h, "dnnl_matmul_desc_init", api.matmulDescInit) &&
            sym(h, "dnnl_primitive_attr_create", api.attrCreate) &&
            sym(h, "dnnl_primitive_attr_destroy", api.attrDestroy) &&
            sym(h, "dnnl_post_ops_create", api.postOpsCreate) &&
            sym(h, "dnnl_post_ops_destroy", api.postOpsDestroy) &&
            sym(h, "dnnl_post_ops_append_sum", api.appendSum) &&
            sym(h, "dnnl_primitive_attr_set_post_ops", api.setPostOps) &&
            sym(h, "dnnl_primitive_desc_create", api.pdCreate) &&
            sym(h, "dnnl_primitive_desc_query", api.pdQuery) &&
            sym(h, "dnnl_primitive_desc_destroy", api.pdDestroy) &&
            sym(h, "dnnl_primitive_create", api.primitiveCreate) &&
            sym(h, "dnnl_memory_create", api.memoryCreate) &&
            sym(h, "dnnl_memory_set_data_handle", api.setHandle) &&
            sym(h, "dnnl_primitive_execute", api.execute) &&
            sym(h, "dnnl_stream_wait", api.streamWait) &&
            sym(h, "dnnl_get_effective_cpu_isa", api.effectiveIsa) &&
            sym(h, "dnnl_version", api.version) &&
            sym(h, "dnnl_set_max_cpu_isa", api.setMaxIsa) &&
            sym(h, "dnnl_memory_desc_init_by_tag", api.memoryDescInitByTag) &&
            sym(h, "dnnl_primitive_destroy", api.primitiveDestroy) &&
            sym(h, "dnnl_memory_destroy", api.memoryDestroy) &&
            sym(h, "dnnl_stream_destroy", api.streamDestroy) &&
            sym(h, "dnnl_convolution_forward_desc_init", api.convForwardInit) &&
            sym(h, "dnnl_convolution_backward_data_desc_init",
                api.convBackwardDataInit) &&
            sym(h, "dnnl_convolution_backward_weights_desc_init",
                api.convBackwardWeightsInit) &&
            sym(h, "dnnl_primitive_desc_query_md", api.pdQueryMd) &&
            sym(h, "dnnl_memory_desc_equal", api.memoryDescEqual) &&
            sym(h, "dnnl_reorder_primitive_desc_create", api.reorderPdCreate);
  if (!ok)
    return std::string(LP_DNNL_LIBRARY) + " lacks a oneDNN 2.x C API entry";
  if (cap && api.setMaxIsa(cap->isa) != dnnl_success)
    return "oneDNN cannot cap its ISA at " + maxIsa;
  if (cap && (api.effectiveIsa() & cap->isa) != cap->isa)
    return "this CPU has no " + maxIsa +
           " (oneDNN's best here: " + oneDnnIsaOf(api.effectiveIsa()) + ")";
  if (api.engineCreate(&engine, dnnl_cpu, 0) != dnnl_success)
    return "oneDNN cannot create a CPU engine";
  loaded = true;
  return "";
}

std::string lp::rt::oneDnnVersion() {
  if (!loaded)
    return "";
  const dnnl_version_t *v = api.version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->patch);
}

std::string lp::rt::oneDnnIsa() {
  return loaded ? oneDnnIsaOf(api.effectiveIsa()) : "";
}

namespace {
std::string oneDnnIsaOf(dnnl_cpu_isa_t isa) {
  switch (isa) {
  case dnnl_cpu_isa_sse41:
    return "sse41";
  case dnnl_cpu_isa_avx:
    return "avx";
  case dnnl_cpu_isa_avx2:
    return "avx2";
  case dnnl_cpu_isa_avx2_vnni:
    return "avx2_vnni";
  case dnnl_cpu_isa_avx512_core:
    return "avx512_core";
  case dnnl_cpu_isa_avx512_core_vnni:
    return "avx512_core_vnni";
  case dnnl_cpu_isa_avx512_core_bf16:
    return "avx512_core_bf16";
  case dnnl_cpu_isa_avx512_core_amx:
    return "avx512_core_amx";
  default:
    return "other";
  }
}
} // namespace

bool lp::rt::oneDnnGemm(GemmInput input, bool transA, bool transB, int m, int n,
                        int k, const void *a, int lda, const void *b, int ldb,
                        float beta, float *c, int ldc,
                        const char **implementation, const float *bias) {
  if (!loaded || (beta != 0.0f && beta != 1.0f))
    return false;
  thread_local ThreadState t;
  if (!t.stream && api.streamCreate(&t.stream, engine,
                                    dnnl_stream_default_flags) != dnnl_success)
    return false;
  Product *p = product(t, Key{int(input), transA, transB, m, n, k, lda, ldb,
                              ldc, beta != 0.0f, bias != nullptr});
  if (!p)
    return false;
  api.setHandle(p->a, const_cast<void *>(a));
  api.setHandle(p->b, const_cast<void *>(b));
  api.setHandle(p->c, c);
  if (bias)
    api.setHandle(p->bias, const_cast<float *>(bias));
  dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, p->a},
                            {DNNL_ARG_WEIGHTS, p->b},
                            {DNNL_ARG_DST, p->c},
                            {DNNL_ARG_BIAS, p->bias}};
  if (api.execute(p->primitive, t.stream, bias ? 4 : 3, args) != dnnl_success)
    return false;
  api.streamWait(t.stream);
  if (implementation)
    *implementation = p->implementation.c_str();
  return true;
}

bool lp::rt::oneDnnSgemm(bool transA, bool transB, int m, int n, int k,
                         const float *a, int lda, const float *b, int ldb,
                         float beta, float *c, int ldc,
                         const char **implementation, const float *bias) {
  return oneDnnGemm(GemmInput::F32, transA, transB, m, n, k, a, lda, b, ldb,
                    beta, c, ldc, implementation, bias);
}

#else // no oneDNN at build time

const char *const *lp::rt::oneDnnIsaNames() {
  static const char *const names[] = {nullptr};
  return names;
}
std::string lp::rt::loadOneDnn(const std::string &) {
  return "this LP was built without oneDNN (libdnnl-dev; scripts/setup.sh "
         "installs it)";
}
std::string lp::rt::oneDnnVersion() { return ""; }
std::string lp::rt::oneDnnIsa() { return ""; }
bool lp::rt::oneDnnSgemm(bool, bool, int, int, int, const float *, int,
                         const float *, int, float, float *, int, const char **,
                         const float *) {
  return false;
}
bool lp::rt::oneDnnGemm(GemmInput, bool, bool, int, int, int, const void *, int,
                        const void *, int, float, float *, int, const char **,
                        const float *) {
  return false;
}

#endif
