// oneDNN's own throughput on a product shape: the reference that
// bench_products.py puts next to LP's products (issue 17's goals: LP's f32
// products at 90 % of the chosen library's throughput, its bf16 products at
// 70 % of oneDNN's bf16 throughput, on the same shapes in the same run).
//
//   onednn_products f32|bf16 M K N REPS
//
// Times the three products of a layer y = x @ w with x [M, K], w [K, N]:
// forward (x @ w), data gradient (dy @ w^T) and weight gradient
// (x^T @ dy), each as oneDNN's matmul primitive with the transposed operand
// read through strides (as LP's runtime calls it), inputs f32 or bf16 and
// an f32 result. The primitive is created once; every call after two
// warm-up calls is timed; the median is printed per product as
//   <product> <ms> <implementation>
// and then as <product>_packed: B in the layout oneDNN prefers for the
// kernel (format_tag::any), reordered once outside the timed calls: the
// kernel path's peak, with a weight packed once per step.
// Built by bench_products.py with the system's g++ against Debian's
// libdnnl (its own OpenMP threads: OMP_NUM_THREADS, default all cores).

#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace dnnl;

namespace {

/// Median ms of `reps` calls of the product [m, k] x [k, n] -> [m, n] with
/// A (B) read transposed when `ta` (`tb`), and the implementation's name.
double timeProduct(engine &eng, stream &s, memory::data_type in, int64_t m,
                   int64_t k, int64_t n, bool ta, bool tb, bool packed,
                   int reps, std::string &impl) {
  memory::desc a({m, k}, in, ta ? memory::dims{1, m} : memory::dims{k, 1});
  memory::desc b({k, n}, in, tb ? memory::dims{1, k} : memory::dims{n, 1});
  memory::desc c({m, n}, memory::data_type::f32, memory::dims{n, 1});
  // Packed: B in the layout the kernel prefers (format_tag::any), reordered
  // once before the timed calls, as a weight packed once per step would be.
  memory::desc bAny({k, n}, in, memory::format_tag::any);
  matmul::primitive_desc pd(matmul::desc(a, packed ? bAny : b, c), eng);
  impl = pd.impl_info_str();
  memory am(a, eng), bPlain(b, eng), cm(c, eng);
  memory bm = packed ? memory(pd.weights_desc(), eng) : bPlain;
  // Deterministic normal-range values in [-1, 1) (no subnormals, which
  // would make the timing meaningless); bf16 as the top half of the f32.
  auto fill = [in](const memory &mem) {
    size_t count =
        mem.get_desc().get_size() / (in == memory::data_type::bf16 ? 2 : 4);
    void *p = mem.get_data_handle();
    for (size_t i = 0; i < count; ++i) {
      float v = float(int((i * 2654435761u) % 2001) - 1000) / 1000.0f;
      v = v == 0.0f ? 0.5f : v;
      if (in == memory::data_type::bf16) {
        uint32_t bits;
        std::memcpy(&bits, &v, 4);
        static_cast<uint16_t *>(p)[i] = uint16_t(bits >> 16);
      } else {
        static_cast<float *>(p)[i] = v;
      }
    }
  };
  fill(am);
  fill(bPlain);
  if (packed) {
    reorder(bPlain, bm).execute(s, bPlain, bm);
    s.wait();
  }
  matmul prim(pd);
  std::vector<double> ms;
  for (int r = 0; r < reps + 2; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    prim.execute(
        s, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, cm}});
    s.wait();
    auto t1 = std::chrono::steady_clock::now();
    if (r >= 2)
      ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char **argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s f32|bf16 M K N REPS\n", argv[0]);
    return 2;
  }
  std::string type = argv[1];
  if (type != "f32" && type != "bf16") {
    std::fprintf(stderr, "element type must be f32 or bf16, got '%s'\n",
                 argv[1]);
    return 2;
  }
  int64_t m = std::atoll(argv[2]), k = std::atoll(argv[3]),
          n = std::atoll(argv[4]);
  int reps = std::atoi(argv[5]);
  if (m <= 0 || k <= 0 || n <= 0 || reps <= 0) {
    std::fprintf(stderr, "M, K, N and REPS must be positive\n");
    return 2;
  }
  auto in = type == "bf16" ? memory::data_type::bf16 : memory::data_type::f32;
  try {
    engine eng(engine::kind::cpu, 0);
    stream s(eng);
    struct Case {
      const char *name;
      int64_t m, k, n;
      bool ta, tb;
    } cases[] = {{"forward", m, k, n, false, false},
                 {"data_gradient", m, n, k, false, true},
                 {"weight_gradient", k, m, n, true, false}};
    for (const Case &c : cases) {
      std::string impl;
      for (bool packed : {false, true}) {
        double ms = timeProduct(eng, s, in, c.m, c.k, c.n, c.ta, c.tb, packed,
                                reps, impl);
        std::printf("%s%s %.6f %s\n", c.name, packed ? "_packed" : "", ms,
                    impl.c_str());
      }
    }
  } catch (const dnnl::error &e) {
    std::fprintf(stderr, "oneDNN: %s (status %d)\n", e.what(), int(e.status));
    return 1;
  }
  return 0;
}
