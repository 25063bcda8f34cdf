//===- CublasLtAbi.h - the cuBLASLt values the runtime uses -----*- C++ -*-===//
//
// Internal to the runtime: the enumerators and the one struct of CUDA 13's
// cublasLt.h, library_types.h and cublas_api.h that CudaBlas.cpp passes to
// cuBLASLt, which it loads with dlopen (the runtime builds without the
// toolkit). test/Unit/CublasLtAbiTest.cpp checks each against the
// toolkit's headers where they are installed.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_CUBLASLTABI_H
#define LP_RUNTIME_CUBLASLTABI_H

#include <cstddef>
#include <cstdint>

namespace lp::rt::cublaslt {

constexpr int kComputeF32 = 68;                  // CUBLAS_COMPUTE_32F
constexpr int kComputeF32FastTf32 = 77;          // CUBLAS_COMPUTE_32F_FAST_TF32
constexpr int kR32F = 0, kR16F = 2, kR16BF = 14; // cudaDataType
constexpr int kStatusSuccess = 0;                // CUBLAS_STATUS_SUCCESS
constexpr int kStatusNotSupported = 15;          // CUBLAS_STATUS_NOT_SUPPORTED

// cublasLtMatmulDescAttributes_t
constexpr int kDescTransA = 3, kDescTransB = 4;
constexpr int kDescEpilogue = 7, kDescBiasPointer = 8;

// cublasLtEpilogue_t
constexpr uint32_t kEpilogueDefault = 1;
constexpr uint32_t kEpilogueBias = 4;
/// The bias gradient of cuBLASLt's A: the sum over k of each row of A
/// (CUBLASLT_EPILOGUE_BGRADA).
constexpr uint32_t kEpilogueBGradA = 256;

// cublasLtMatrixLayoutAttribute_t
constexpr int kLayoutBatchCount = 5;         // int32_t
constexpr int kLayoutStridedBatchOffset = 6; // int64_t, in elements

// cublasLtMatmulPreferenceAttributes_t
constexpr int kPrefMaxWorkspaceBytes = 1;
/// MIN_ALIGNMENT_A_BYTES .. _D_BYTES (uint32_t, default 256).
constexpr int kPrefMinAlignmentA = 5, kPrefMinAlignmentB = 6,
              kPrefMinAlignmentC = 7, kPrefMinAlignmentD = 8;

/// cublasLtMatmulAlgo_t and cublasLtMatmulHeuristicResult_t.
struct Algo {
  uint64_t data[8];
};
struct HeuristicResult {
  Algo algo;
  size_t workspaceSize;
  int state;
  float wavesCount;
  int reserved[4];
};

} // namespace lp::rt::cublaslt

#endif // LP_RUNTIME_CUBLASLTABI_H
