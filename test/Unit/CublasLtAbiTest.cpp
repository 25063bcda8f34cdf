//===- CublasLtAbiTest.cpp - the runtime's cuBLASLt values, checked -------===//
//
// The runtime loads cuBLASLt with dlopen and passes it values copied from
// CUDA 13's headers (runtime/lib/CublasLtAbi.h). Where the toolkit's
// headers are installed (LP_CUBLASLT_HEADER), each value and the layout of
// the heuristic's result are compared with them.
//
//===----------------------------------------------------------------------===//

#include "../../runtime/lib/CublasLtAbi.h"

#include <gtest/gtest.h>

#ifdef LP_CUBLASLT_HEADER
#include <cublasLt.h>

#include <cstddef>
#endif

namespace lt = lp::rt::cublaslt;

TEST(CublasLtAbi, ValuesMatchTheToolkitsHeaders) {
#ifndef LP_CUBLASLT_HEADER
  GTEST_SKIP() << "the CUDA toolkit's cublasLt.h was not found at configure "
                  "time (CUDA_TOOLKIT_ROOT, default /usr/local/cuda)";
#else
  EXPECT_EQ(lt::kComputeF32, CUBLAS_COMPUTE_32F);
  EXPECT_EQ(lt::kComputeF32FastTf32, CUBLAS_COMPUTE_32F_FAST_TF32);
  EXPECT_EQ(lt::kR32F, CUDA_R_32F);
  EXPECT_EQ(lt::kR16F, CUDA_R_16F);
  EXPECT_EQ(lt::kR16BF, CUDA_R_16BF);
  EXPECT_EQ(lt::kStatusSuccess, CUBLAS_STATUS_SUCCESS);
  EXPECT_EQ(lt::kStatusNotSupported, CUBLAS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(lt::kDescTransA, CUBLASLT_MATMUL_DESC_TRANSA);
  EXPECT_EQ(lt::kDescTransB, CUBLASLT_MATMUL_DESC_TRANSB);
  EXPECT_EQ(lt::kDescEpilogue, CUBLASLT_MATMUL_DESC_EPILOGUE);
  EXPECT_EQ(lt::kDescBiasPointer, CUBLASLT_MATMUL_DESC_BIAS_POINTER);
  EXPECT_EQ(lt::kEpilogueDefault, CUBLASLT_EPILOGUE_DEFAULT);
  EXPECT_EQ(lt::kEpilogueBias, CUBLASLT_EPILOGUE_BIAS);
  EXPECT_EQ(lt::kEpilogueBGradA, CUBLASLT_EPILOGUE_BGRADA);
  EXPECT_EQ(lt::kLayoutBatchCount, CUBLASLT_MATRIX_LAYOUT_BATCH_COUNT);
  EXPECT_EQ(lt::kLayoutStridedBatchOffset,
            CUBLASLT_MATRIX_LAYOUT_STRIDED_BATCH_OFFSET);
  EXPECT_EQ(lt::kPrefMaxWorkspaceBytes,
            CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES);
  EXPECT_EQ(lt::kPrefMinAlignmentA, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES);
  EXPECT_EQ(lt::kPrefMinAlignmentB, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES);
  EXPECT_EQ(lt::kPrefMinAlignmentC, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES);
  EXPECT_EQ(lt::kPrefMinAlignmentD, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES);
  EXPECT_EQ(sizeof(lt::Algo), sizeof(cublasLtMatmulAlgo_t));
  EXPECT_EQ(sizeof(lt::HeuristicResult),
            sizeof(cublasLtMatmulHeuristicResult_t));
  EXPECT_EQ(offsetof(lt::HeuristicResult, workspaceSize),
            offsetof(cublasLtMatmulHeuristicResult_t, workspaceSize));
  EXPECT_EQ(offsetof(lt::HeuristicResult, state),
            offsetof(cublasLtMatmulHeuristicResult_t, state));
  EXPECT_EQ(offsetof(lt::HeuristicResult, wavesCount),
            offsetof(cublasLtMatmulHeuristicResult_t, wavesCount));
#endif
}
