//===- OneDnnApi.h - the oneDNN entry points the runtime uses ---*- C++ -*-===//
//
// Internal to the runtime: oneDNN's C API functions, looked up with dlsym
// by loadOneDnn (OneDnn.cpp), and the CPU engine; shared by the products
// (OneDnn.cpp) and the convolutions (OneDnnConv.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_ONEDNNAPI_H
#define LP_RUNTIME_ONEDNNAPI_H

#include <oneapi/dnnl/dnnl.h>

namespace lp {
namespace rt {
namespace dnnl {

struct Api {
  decltype(&dnnl_engine_create) engineCreate;
  decltype(&dnnl_stream_create) streamCreate;
  decltype(&dnnl_memory_desc_init_by_strides) memoryDescInit;
  decltype(&dnnl_matmul_desc_init) matmulDescInit;
  decltype(&dnnl_primitive_attr_create) attrCreate;
  decltype(&dnnl_primitive_attr_destroy) attrDestroy;
  decltype(&dnnl_post_ops_create) postOpsCreate;
  decltype(&dnnl_post_ops_destroy) postOpsDestroy;
  decltype(&dnnl_post_ops_append_sum) appendSum;
  decltype(&dnnl_primitive_attr_set_post_ops) setPostOps;
  decltype(&dnnl_primitive_desc_create) pdCreate;
  decltype(&dnnl_primitive_desc_query) pdQuery;
  decltype(&dnnl_primitive_desc_destroy) pdDestroy;
  decltype(&dnnl_primitive_create) primitiveCreate;
  decltype(&dnnl_memory_create) memoryCreate;
  decltype(&dnnl_memory_set_data_handle) setHandle;
  decltype(&dnnl_primitive_execute) execute;
  decltype(&dnnl_stream_wait) streamWait;
  decltype(&dnnl_get_effective_cpu_isa) effectiveIsa;
  decltype(&dnnl_version) version;
  decltype(&dnnl_set_max_cpu_isa) setMaxIsa;
  decltype(&dnnl_memory_desc_init_by_tag) memoryDescInitByTag;
  decltype(&dnnl_convolution_forward_desc_init) convForwardInit;
  decltype(&dnnl_convolution_backward_data_desc_init) convBackwardDataInit;
  decltype(&dnnl_convolution_backward_weights_desc_init)
      convBackwardWeightsInit;
  decltype(&dnnl_primitive_desc_query_md) pdQueryMd;
  decltype(&dnnl_primitive_destroy) primitiveDestroy;
  decltype(&dnnl_memory_destroy) memoryDestroy;
  decltype(&dnnl_stream_destroy) streamDestroy;
  decltype(&dnnl_memory_desc_equal) memoryDescEqual;
  decltype(&dnnl_reorder_primitive_desc_create) reorderPdCreate;
};

/// Filled by loadOneDnn; `loaded` once every entry was found.
extern Api api;
extern bool loaded;
extern dnnl_engine_t engine;

} // namespace dnnl
} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_ONEDNNAPI_H
