//===- Contractions.cpp - which library runs each product -----------------===//

#include "lp/Runtime/Contractions.h"
#include "lp/Runtime/BlasDispatch.h"
#include "lp/Runtime/CpuFeatures.h"
#include "lp/Runtime/HalfFloat.h"
#include "lp/Runtime/OneDnn.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>
#include <set>
#include <tuple>
#include <vector>

namespace {

enum class Library { OpenBlas, OneDnn };

struct Policy {
  std::string name; // auto, openblas, onednn
  bool prepared = false;
  Library bySize[3] = {Library::OpenBlas, Library::OpenBlas, Library::OpenBlas};
  std::string note; // why auto chose what it chose
};

Policy policy;
std::string isaCap; // oneDNN's maximum ISA, empty: the CPU's best
std::mutex kernelsLock;
std::set<std::string> kernelsSeen; // "class: onednn <impl>"

const char *const kClassNames[3] = {"small", "mid", "large"};

int sizeClass(int64_t macs) {
  return macs < lp::rt::kSmallProductBelow  ? 0
         : macs < lp::rt::kLargeProductFrom ? 1
                                            : 2;
}

/// The ISA class of OpenBLAS's kernels, from their name: 3 avx512, 2 avx2,
/// 1 older (SSE/AVX), 0 unknown.
int openBlasClass(std::string core) {
  std::transform(core.begin(), core.end(), core.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (const char *c : {"skylakex", "cooperlake", "sapphirerapids"})
    if (core == c)
      return 3;
  for (const char *c : {"haswell", "zen", "skylake"})
    if (core == c)
      return 2;
  return core.empty() ? 0 : 1;
}

int cpuClass(const lp::rt::CpuFeatures &f) {
  return f.avx512 ? 3 : f.avx2 && f.fma ? 2 : 1;
}

/// The ISA cap: set by setContractionIsa, else LP_CONTRACTION_ISA.
void resolveIsaCap() {
  if (isaCap.empty())
    if (const char *env = std::getenv("LP_CONTRACTION_ISA"))
      isaCap = env;
}

/// `value`, else the environment variable `env` when set, else "auto".
std::string orEnv(const std::string &value, const char *env) {
  if (!value.empty())
    return value;
  const char *set = std::getenv(env);
  return set && *set ? set : "auto";
}

const char *libraryName(Library l) {
  return l == Library::OneDnn ? "onednn" : "openblas";
}

} // namespace

std::string lp::rt::setContraction(const std::string &name) {
  std::string chosen = orEnv(name, "LP_CONTRACTION");
  if (chosen != "auto" && chosen != "openblas" && chosen != "onednn")
    return "unknown contraction library '" + chosen +
           "' (expected auto, openblas or onednn)";
  if (policy.prepared && chosen != policy.name)
    return "the contraction library is fixed once a step is loaded";
  policy.name = chosen;
  return "";
}

void lp::rt::setContractionIsa(const std::string &isa) { isaCap = isa; }

std::string lp::rt::prepareContractions() {
  if (policy.prepared)
    return "";
  if (policy.name.empty())
    if (std::string e = setContraction(""); !e.empty())
      return e;
  // OpenBLAS and the OpenMP runtime first: oneDNN's OpenMP calls bind to
  // the runtime loaded before it.
  if (std::string e = loadBlas(); !e.empty())
    return e;
  const CpuFeatures &cpu = cpuFeatures();
  resolveIsaCap();
  std::string dnnlError = loadOneDnn(isaCap);
  bool haveDnnl = dnnlError.empty();
  if (!isaCap.empty() && !haveDnnl)
    return dnnlError; // a forced ISA is never silently dropped
  bool degraded = openBlasClass(openBlasCore()) < cpuClass(cpu);
  auto all = [&](Library l) {
    std::fill(std::begin(policy.bySize), std::end(policy.bySize), l);
  };
  if (policy.name == "openblas") {
    all(Library::OpenBlas);
    policy.note = "forced";
    if (degraded)
      policy.note += "; OpenBLAS's '" + openBlasCore() +
                     "' kernels are below the CPU's " + cpu.isaClass() +
                     " class";
  } else if (policy.name == "onednn") {
    if (!haveDnnl)
      return dnnlError;
    all(Library::OneDnn);
    policy.note = "forced";
  } else if (degraded && cpuClass(cpu) >= 2) {
    if (!haveDnnl)
      return "OpenBLAS runs its '" + openBlasCore() +
             "' kernels, below this CPU's " + cpu.isaClass() +
             " class, and oneDNN cannot be used (" + dnnlError +
             "): set OPENBLAS_CORETYPE to this CPU's kernels or install "
             "libdnnl-dev";
    all(Library::OneDnn);
    policy.note = "OpenBLAS's '" + openBlasCore() +
                  "' kernels are below the "
                  "CPU's " +
                  cpu.isaClass() + " class";
  } else if (haveDnnl && cpuClass(cpu) >= 3) {
    all(Library::OneDnn);
    policy.note = std::string(cpu.isaClass()) + " class";
  } else if (haveDnnl && cpuClass(cpu) == 2) {
    policy.bySize[1] = Library::OneDnn;
    policy.note = "avx2 class";
  } else {
    policy.note = haveDnnl ? "below avx2" : "no oneDNN: " + dnnlError;
  }
  policy.prepared = true;
  return "";
}

namespace {

/// Records that `kernel` + `suffix` ran a product of size class `cls`. On
/// the path of every product: the text is built only the first time a
/// thread meets the pair of (stable) strings, kept as pointers.
void noteKernel(int cls, const char *kernel, const char *suffix) {
  thread_local std::set<std::tuple<int, const char *, const char *>> seen;
  if (seen.insert({cls, kernel, suffix}).second)
    lp::rt::recordKernel(std::string(kClassNames[cls]) + ": " + kernel +
                         suffix);
}

/// `rows` x `cols` 16-bit values at `src` (leading dimension `ld`) as
/// contiguous f32 in `dst`.
void widen(bool bf16, const void *src, int rows, int cols, int ld,
           std::vector<float> &dst) {
  dst.resize(size_t(rows) * cols);
  const uint16_t *s = static_cast<const uint16_t *>(src);
  for (int r = 0; r < rows; ++r) {
    const uint16_t *row = s + size_t(r) * ld;
    float *out = dst.data() + size_t(r) * cols;
    if (bf16)
      for (int c = 0; c < cols; ++c)
        out[c] = lp::bf16ToFloat(row[c]);
    else
      for (int c = 0; c < cols; ++c)
        out[c] = lp::halfToFloat(row[c]);
  }
}

/// The bias epilogue where the library had none: `bias` added to each of
/// the m rows of C (row major, else column major), after the product (the
/// pass the step would have made).
void addBias(bool rowMajor, int m, int n, const float *bias, float *c,
             int ldc) {
  if (rowMajor) {
    for (int r = 0; r < m; ++r) {
      float *row = c + size_t(r) * ldc;
      for (int j = 0; j < n; ++j)
        row[j] += bias[j];
    }
    return;
  }
  for (int j = 0; j < n; ++j) {
    float *column = c + size_t(j) * ldc;
    for (int r = 0; r < m; ++r)
      column[r] += bias[j];
  }
}

} // namespace

void lp::rt::sgemmDispatch(int order, int transA, int transB, int m, int n,
                           int k, float alpha, const float *a, int lda,
                           const float *b, int ldb, float beta, float *c,
                           int ldc, const float *bias) {
  constexpr int kRowMajor = 101, kTrans = 112;
  int cls = sizeClass(int64_t(m) * n * k);
  if (policy.bySize[cls] == Library::OneDnn && order == kRowMajor &&
      alpha == 1.0f) {
    const char *impl = nullptr;
    if (oneDnnSgemm(transA == kTrans, transB == kTrans, m, n, k, a, lda, b, ldb,
                    beta, c, ldc, &impl, bias)) {
      noteKernel(cls, impl, bias ? " (+bias)" : "");
      return;
    }
  }
  openBlasSgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c,
                ldc);
  if (bias)
    addBias(order == kRowMajor, m, n, bias, c, ldc);
}

void lp::rt::lowpGemmDispatch(bool bf16, int order, int transA, int transB,
                              int m, int n, int k, float alpha, const void *a,
                              int lda, const void *b, int ldb, float beta,
                              float *c, int ldc) {
  constexpr int kRowMajor = 101, kTrans = 112;
  int cls = sizeClass(int64_t(m) * n * k);
  if (policy.name != "openblas" && order == kRowMajor && alpha == 1.0f) {
    const char *impl = nullptr;
    if (oneDnnGemm(bf16 ? rt::GemmInput::BF16 : rt::GemmInput::F16,
                   transA == kTrans, transB == kTrans, m, n, k, a, lda, b, ldb,
                   beta, c, ldc, &impl)) {
      noteKernel(cls, impl, bf16 ? " (bf16)" : " (f16)");
      return;
    }
  }
  // Widened once per call: A and B as stored, then the f32 product.
  thread_local std::vector<float> wa, wb;
  bool ta = transA == kTrans, tb = transB == kTrans;
  widen(bf16, a, ta ? k : m, ta ? m : k, lda, wa);
  widen(bf16, b, tb ? n : k, tb ? k : n, ldb, wb);
  noteKernel(cls, bf16 ? "bf16 widened to f32" : "f16 widened to f32", "");
  sgemmDispatch(order, transA, transB, m, n, k, alpha, wa.data(), ta ? m : k,
                wb.data(), tb ? k : n, beta, c, ldc);
}

namespace {
std::string lowpNote; // how 16-bit products run, for the report
lp::rt::LowpPath lowpPaths[2] = {lp::rt::LowpPath::WidenedOnce,
                                 lp::rt::LowpPath::WidenedOnce};
} // namespace

lp::rt::LowpPath lp::rt::lowpPath(bool bf16) { return lowpPaths[bf16 ? 0 : 1]; }

std::string lp::rt::chooseLowpProducts(const std::string &mode,
                                       std::vector<std::string> &widened) {
  std::string chosen = orEnv(mode, "LP_LOWP_PRODUCTS");
  if (chosen != "auto" && chosen != "native" && chosen != "widened")
    return "unknown low-precision product path '" + chosen +
           "' (expected auto, native or widened)";
  widened.clear();
  resolveIsaCap();
  const CpuFeatures &cpu = cpuFeatures();
  bool library = policy.name != "openblas"; // OpenBLAS has no such kernels
  auto capAllows = [&](std::initializer_list<const char *> isas) {
    if (isaCap.empty())
      return true;
    for (const char *isa : isas)
      if (isaCap == isa)
        return true;
    return false;
  };
  // Whether oneDNN has kernels for the type (what `native` runs), and
  // whether they beat f32 kernels on widened operands (what `auto` runs).
  // bf16: only AMX's are faster; on AVX512_BF16 without AMX, oneDNN 2.6's
  // bf16 products measured 170 GFLOP/s against 285-300 for its f32 ones
  // (Emerald Rapids with AMX unavailable, 2 cores; the large MLP's bf16
  // step 1.7x the widened one's time: docs/MixedPrecision.md, "Speed").
  // f16: oneDNN 2.6 has reference loops only, which native never runs.
  bool bf16 = library && (cpu.avx512Bf16 || cpu.amxBf16) &&
              capAllows({"avx512_core_bf16", "avx512_core_amx"});
  bool bf16Fast = library && cpu.amxBf16 && capAllows({"avx512_core_amx"});
  bool f16 = false; // oneDNN 2.6: reference loops only, never run
  if (chosen == "widened" || (chosen == "auto" && !bf16Fast))
    widened.push_back("bf16");
  if (chosen == "widened" || chosen == "auto")
    widened.push_back("f16");
  auto decide = [&](const char *t, bool kernels, bool fast) {
    if (std::find(widened.begin(), widened.end(), t) != widened.end())
      return LowpPath::WidenedOnce;
    if (!kernels)
      return LowpPath::WidenedPerCall;
    return fast ? LowpPath::NativeFast : LowpPath::NativeSlow;
  };
  lowpPaths[0] = decide("bf16", bf16, bf16Fast);
  lowpPaths[1] = decide("f16", f16, false);
  auto path = [](const char *t, LowpPath p) {
    return std::string(t) +
           (p == LowpPath::WidenedOnce      ? " widened to f32 once per step"
            : p == LowpPath::WidenedPerCall ? " widened on every call (no "
                                              "native kernels)"
                                            : " native");
  };
  lowpNote = chosen + ": " + path("bf16", lowpPaths[0]) + ", " +
             path("f16", lowpPaths[1]);
  if (chosen == "auto")
    lowpNote += std::string(" (the CPU ") +
                (bf16Fast         ? "has AMX-BF16"
                 : cpu.amxBf16    ? "has AMX-BF16, which the contraction "
                                    "library or ISA cap leaves unused"
                 : cpu.avx512Bf16 ? "has AVX512_BF16, whose bf16 products "
                                    "are slower than f32 ones, and no "
                                    "AMX-BF16"
                                  : "lacks AVX512_BF16/AMX-BF16") +
                "; oneDNN has no f16 product kernels)";
  return "";
}

void lp::rt::recordKernel(const std::string &what) {
  thread_local std::set<std::string> local;
  if (local.insert(what).second) {
    std::lock_guard<std::mutex> lock(kernelsLock);
    kernelsSeen.insert(what);
  }
}

std::string lp::rt::contractionReport() {
  const CpuFeatures &cpu = cpuFeatures();
  std::string r = "cpu: " + (cpu.model.empty() ? "unknown" : cpu.model) + " (" +
                  cpu.vendor + " family " + std::to_string(cpu.family) +
                  " model " + std::to_string(cpu.modelNumber) + "), " +
                  cpu.isaClass() + " class: " + cpu.flags() + "\n";
  r +=
      "openblas: " + openBlasConfig() + " (kernels '" + openBlasCore() + "')\n";
  std::string version = oneDnnVersion();
  r += version.empty() ? std::string("onednn: not loaded\n")
                       : "onednn: " + version + " (isa " + oneDnnIsa() + ")\n";
  r += "contractions (" + policy.name + ", " + policy.note + "):";
  for (int cls = 0; cls < 3; ++cls)
    r += std::string(" ") + kClassNames[cls] + " " +
         libraryName(policy.bySize[cls]) + (cls < 2 ? "," : "");
  r += " (small < 2^18 multiply-adds <= mid < 2^28 <= large)\n";
  if (!lowpNote.empty())
    r += "16-bit products (" + lowpNote + ")\n";
  std::lock_guard<std::mutex> lock(kernelsLock);
  for (const std::string &k : kernelsSeen)
    r += "kernel: " + k + "\n";
  return r;
}
