//===- LinalgToBlas.cpp - the lp-linalg-to-blas pass ----------------------===//
//
// f32 linalg.matmul / linalg.batch_matmul on buffers become calls to the
// CBLAS routine cblas_sgemm (row major), one per batch; those whose A and B
// are bf16 or f16 (accumulating in an f32 result, as lp.matmul lowers) call
// the runtime's lp_gemm_bf16 / lp_gemm_f16, which take the same arguments
// (docs/Performance.md, "Contractions"). Transposed operand
// maps become the transA/transB flags; a zero fill of the result right
// before the matmul becomes beta = 0; with `epilogues`, a bias row added
// to a 2-D f32 product right after it goes into the call (lp_sgemm_bias,
// BiasEpilogue.h), and with `cuda`, the column sums of its B that follow
// it too (lp_cuda_sgemm_bgrad: a bias gradient). With `cuda` a batch is one
// call of a strided batch (lp_cuda_sgemm_batched and the 16-bit ones). With
// `split-min`, each large product is split into `threads` row or column blocks
// (by default as many as the runtime's OpenMP threads, asked at run time), an
// scf.parallel of calls (OpenMP once lowered): the compiled step then has one
// thread pool, and the runtime's dispatcher runs calls made inside a parallel
// region on one OpenBLAS thread.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/BiasEpilogue.h"
#include "lp/Codegen/Passes.h"
#include "lp/Codegen/RuntimeCalls.h"
#include "lp/Utils/BufferViews.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace lp {
#define GEN_PASS_DEF_LINALGTOBLAS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

constexpr int32_t kRowMajor = 101, kNoTrans = 111, kTrans = 112;

/// How a 2-D operand of the per-batch product is laid out.
enum class Layout { Plain, Transposed, Unsupported };

/// Classifies `map`'s trailing two results as (row, col) or (col, row).
Layout classify(AffineMap map, unsigned row, unsigned col, unsigned batch) {
  unsigned n = map.getNumResults();
  if (n != (batch ? 3u : 2u))
    return Layout::Unsupported;
  if (batch && !map.getResult(0).isFunctionOfDim(0))
    return Layout::Unsupported;
  if (batch && map.getResult(0) != getAffineDimExpr(0, map.getContext()))
    return Layout::Unsupported;
  AffineExpr r = map.getResult(n - 2), c = map.getResult(n - 1);
  MLIRContext *ctx = map.getContext();
  if (r == getAffineDimExpr(row, ctx) && c == getAffineDimExpr(col, ctx))
    return Layout::Plain;
  if (r == getAffineDimExpr(col, ctx) && c == getAffineDimExpr(row, ctx))
    return Layout::Transposed;
  return Layout::Unsupported;
}

/// True when the memref holds `elem` and its innermost stride is
/// statically 1 (rows are contiguous), which BLAS needs.
bool hasUnitInnerStride(Value v, Type elem) {
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!type || type.getElementType() != elem)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return !strides.empty() && strides.back() == 1;
}

/// Whether `v` is a view of device memory in a GPU step: a function's
/// argument or a `memref.alloc` (the runtime's device allocations). A
/// global or a stack buffer is host memory, which cuBLASLt cannot read.
bool onDevice(Value v) {
  v = lp::rootBuffer(v);
  if (auto arg = dyn_cast<BlockArgument>(v))
    return arg.getOwner()->isEntryBlock() &&
           isa<func::FuncOp>(arg.getOwner()->getParentOp());
  return static_cast<bool>(v.getDefiningOp<memref::AllocOp>());
}

/// The address of `m[batch, row, col]` (`m[row, col]` without a batch;
/// null row/col mean 0) as an !llvm.ptr, and the stride between rows (the
/// leading dimension), as i32.
std::pair<Value, Value> pointerAndLd(OpBuilder &b, Location loc, Value m,
                                     Value batch, Value row = nullptr,
                                     Value col = nullptr) {
  int64_t bytes = cast<MemRefType>(m.getType()).getElementTypeBitWidth() / 8;
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, m);
  Value base =
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc,
                                                     meta.getBaseBuffer());
  Value elems = meta.getOffset();
  auto strides = meta.getStrides();
  auto add = [&](Value index, Value stride) {
    Value scaled =
        stride ? arith::MulIOp::create(b, loc, index, stride) : index;
    elems = arith::AddIOp::create(b, loc, elems, scaled);
  };
  if (batch)
    add(batch, strides[0]);
  Value ldIndex = strides[strides.size() - 2];
  if (row)
    add(row, ldIndex);
  if (col) // the innermost stride is 1 (hasUnitInnerStride)
    add(col, nullptr);
  Value size = arith::ConstantIndexOp::create(b, loc, bytes);
  Value addr = arith::AddIOp::create(
      b, loc, base, arith::MulIOp::create(b, loc, elems, size));
  Value addr64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), addr);
  Value ptr = LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), addr64);
  Value ld = arith::IndexCastOp::create(b, loc, b.getI32Type(), ldIndex);
  return {ptr, ld};
}

/// The address of `v[index]` (`v[0]` when null) of a 1-D memref with unit
/// stride, as an !llvm.ptr.
Value vectorPointer(OpBuilder &b, Location loc, Value v, Value index) {
  int64_t bytes = cast<MemRefType>(v.getType()).getElementTypeBitWidth() / 8;
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, v);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(
      b, loc, meta.getBaseBuffer());
  Value elems = meta.getOffset();
  if (index)
    elems = arith::AddIOp::create(b, loc, elems, index);
  Value addr = arith::AddIOp::create(
      b, loc, base,
      arith::MulIOp::create(b, loc, elems,
                            arith::ConstantIndexOp::create(b, loc, bytes)));
  Value addr64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), addr);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), addr64);
}

/// How one product is cut into blocks computed side by side: along m (rows
/// of A and C) or n (columns of B and C), the longer of the two (each block
/// re-reads all of the other operand, so the shorter side is the one read
/// twice), in blocks whose sizes are multiples of kTile.
struct Split {
  bool alongM = true;
  int64_t len = 0;
  lp::Blocks blocks;
};

/// Blocks of a product are multiples of 16 rows or columns (OpenBLAS's
/// register tiles).
constexpr int64_t kTile = 16;

/// The runtime's product for A and B of element type `input` (C is f32):
/// cblas_sgemm for f32, lp_gemm_bf16 / lp_gemm_f16 (the same arguments;
/// A and B hold 16-bit values) for bf16 / f16; empty for other types.
StringRef gemmFunction(Type input) {
  if (input.isF32())
    return "cblas_sgemm";
  if (input.isBF16())
    return "lp_gemm_bf16";
  if (input.isF16())
    return "lp_gemm_f16";
  return "";
}

/// The declaration of `name` (cblas_sgemm's signature, and a trailing bias
/// pointer with `bias`), or null (with an error) when the module already
/// has a different symbol of that name.
func::FuncOp declareGemm(ModuleOp module, StringRef name, bool bias) {
  Builder b(module.getContext());
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  Type ptr = LLVM::LLVMPointerType::get(b.getContext());
  SmallVector<Type> args = {i32, i32, i32, i32, i32, i32, f32,
                            ptr, i32, ptr, i32, f32, ptr, i32};
  if (bias)
    args.push_back(ptr);
  auto type = b.getFunctionType(args, {});
  return lp::declareRuntimeFunction(module, name, type, "lp-linalg-to-blas",
                                    "CBLAS");
}

/// The declaration of a strided batch's product `name` (the runtime's
/// lp_cuda_*_batched: cblas_sgemm's arguments with each operand's batch
/// stride after its leading dimension, i64, and the count last), or null.
func::FuncOp declareBatchedGemm(ModuleOp module, StringRef name) {
  Builder b(module.getContext());
  Type i32 = b.getI32Type(), i64 = b.getI64Type(), f32 = b.getF32Type();
  Type ptr = LLVM::LLVMPointerType::get(b.getContext());
  auto type = b.getFunctionType({i32, i32, i32, i32, i32, i32, f32, ptr, i32,
                                 i64, ptr, i32, i64, f32, ptr, i32, i64, i32},
                                {});
  return lp::declareRuntimeFunction(module, name, type, "lp-linalg-to-blas",
                                    "CBLAS");
}

/// The stride between `m`'s batches (its first dimension), as i64.
Value batchStride(OpBuilder &b, Location loc, Value m) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, m);
  return arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                    meta.getStrides()[0]);
}

struct LinalgToBlas : lp::impl::LinalgToBlasBase<LinalgToBlas> {
  using LinalgToBlasBase::LinalgToBlasBase;

  /// Rewrites one contraction; false when it is not a plain f32 GEMM.
  /// Sets `failedDeclare` when cblas_sgemm cannot be declared.
  bool rewrite(linalg::LinalgOp op, bool batched) {
    if (!op.hasPureBufferSemantics())
      return false;
    Value a = op.getDpsInputs()[0], bm = op.getDpsInputs()[1];
    Value c = op.getDpsInits()[0];
    // A and B of one type (f32, bf16 or f16), C and the accumulation f32.
    Type input = getElementTypeOrSelf(a.getType());
    std::string function = gemmFunction(input).str();
    // A GPU step's products: the runtime's cuBLASLt entry points.
    if (cuda && !function.empty())
      function = function == "cblas_sgemm" ? "lp_cuda_sgemm"
                                           : "lp_cuda_" + function.substr(3);
    Type f32Type = Float32Type::get(op->getContext());
    if (function.empty() || !hasUnitInnerStride(a, input) ||
        !hasUnitInnerStride(bm, input) || !hasUnitInnerStride(c, f32Type))
      return false;
    // cuBLASLt reads device memory only: a product of a host buffer stays
    // a generated kernel (lp-map-to-gpu copies globals to the device).
    if (cuda && (!onDevice(a) || !onDevice(bm) || !onDevice(c)))
      return false;
    // Loop dims: [b,] m, n, k.
    unsigned off = batched ? 1 : 0;
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    Layout la = classify(maps[0], off + 0, off + 2, off);
    Layout lb = classify(maps[1], off + 2, off + 1, off);
    Layout lc = classify(maps[2], off + 0, off + 1, off);
    if (la == Layout::Unsupported || lb == Layout::Unsupported ||
        lc != Layout::Plain)
      return false;
    SmallVector<int64_t> bounds = op.getStaticLoopRanges();
    if (llvm::any_of(bounds, ShapedType::isDynamic))
      return false;
    int64_t m = bounds[off], n = bounds[off + 1], k = bounds[off + 2];
    if (m * n * k < minSize)
      return false;

    linalg::FillOp fill = lp::zeroFillBefore(op, c);
    // The bias add after a 2-D f32 product that starts from zero (a
    // 16-bit product's bias is rounded to its type before the add, as
    // autocast does, so it is not the generic's operand). On the GPU,
    // cuBLASLt's bias epilogue.
    std::optional<lp::BiasEpilogue> epilogue;
    if (epilogues && !batched && fill && input.isF32())
      epilogue = lp::findBiasEpilogue(op, c);
    if (cuda && epilogue && !onDevice(epilogue->bias))
      epilogue.reset();
    // On the GPU, the sum over k of a weight gradient's B (the layer's
    // output gradient, the bias gradient) right after the product:
    // cuBLASLt's bias-gradient epilogue.
    std::optional<lp::BiasGradEpilogue> gradEpilogue;
    if (cuda && epilogues && splitMin == 0 && !batched && !epilogue)
      gradEpilogue = lp::findBiasGradEpilogue(op, bm, lb == Layout::Transposed,
                                              ValueRange{a, c});
    if (gradEpilogue && !onDevice(gradEpilogue->grad))
      gradEpilogue.reset();
    StringRef withBias = cuda ? "lp_cuda_sgemm_bias" : "lp_sgemm_bias";
    std::string withBiasGrad = function + "_bgrad";
    StringRef callee = epilogue       ? withBias
                       : gradEpilogue ? StringRef(withBiasGrad)
                                      : StringRef(function);
    // On the GPU a batch is one strided-batched call.
    bool oneBatchedCall = cuda && batched;
    ModuleOp module = op->template getParentOfType<ModuleOp>();
    func::FuncOp sgemm =
        oneBatchedCall
            ? declareBatchedGemm(module, function + "_batched")
            : declareGemm(module, callee,
                          epilogue.has_value() || gradEpilogue.has_value());
    if (!sgemm) {
      failedDeclare = true;
      return false;
    }
    // The call computes the sum (and writes its buffer, allocated before).
    if (gradEpilogue)
      lp::dropBiasGradSum(*gradEpilogue, op);
    OpBuilder b(op);
    Location loc = op.getLoc();
    float beta = 1.0f;
    if (fill) {
      fill.erase();
      beta = 0.0f;
    }
    auto i32 = [&](int64_t v) {
      return arith::ConstantIntOp::create(b, loc, v, 32).getResult();
    };
    auto f32 = [&](float v) {
      return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                            APFloat(v))
          .getResult();
    };
    // Built before any loop, so that they dominate the calls.
    Value order = i32(kRowMajor);
    Value transA = i32(la == Layout::Plain ? kNoTrans : kTrans);
    Value transB = i32(lb == Layout::Plain ? kNoTrans : kTrans);
    Value mConst = i32(m), nConst = i32(n), kConst = i32(k);
    Value alpha = f32(1.0f), betaValue = f32(beta);
    // One call: the whole product of batch `batch`, or with `split`, its
    // block `block`.
    auto emitCall = [&](OpBuilder &ib, Value batch, const Split *split,
                        Value block) {
      Value mValue = mConst, nValue = nConst;
      Value aRow, aCol, bRow, bCol, cRow, cCol;
      if (split) {
        Value len = arith::ConstantIndexOp::create(ib, loc, split->len);
        Value first = arith::MulIOp::create(ib, loc, block, split->blocks.size);
        Value rest = arith::SubIOp::create(ib, loc, len, first);
        Value blockLen = arith::IndexCastOp::create(
            ib, loc, ib.getI32Type(),
            arith::MinSIOp::create(ib, loc, split->blocks.size, rest));
        if (split->alongM) {
          mValue = blockLen;
          (la == Layout::Plain ? aRow : aCol) = first;
          cRow = first;
        } else {
          nValue = blockLen;
          (lb == Layout::Plain ? bCol : bRow) = first;
          cCol = first;
        }
      }
      auto [pa, lda] = pointerAndLd(ib, loc, a, batch, aRow, aCol);
      auto [pb, ldb] = pointerAndLd(ib, loc, bm, batch, bRow, bCol);
      auto [pc, ldc] = pointerAndLd(ib, loc, c, batch, cRow, cCol);
      SmallVector<Value> args = {order,  transA,    transB, mValue, nValue,
                                 kConst, alpha,     pa,     lda,    pb,
                                 ldb,    betaValue, pc,     ldc};
      if (epilogue) // the bias of the block's columns
        args.push_back(vectorPointer(ib, loc, epilogue->bias, cCol));
      if (gradEpilogue) // never split (above)
        args.push_back(vectorPointer(ib, loc, gradEpilogue->grad, nullptr));
      func::CallOp::create(ib, loc, sgemm, args);
    };
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    // A product: one call, or with split-min, an scf.parallel of blocks
    // (when the thread count is known at run time only, an scf.if keeps
    // the single call, on all of BLAS's threads, for one block).
    bool splitting = splitMin > 0 && m * n * k >= splitMin && threads != 1 &&
                     std::max(m, n) > kTile;
    std::optional<Split> split;
    if (splitting) {
      OpFoldResult threadsValue =
          lp::threadCount(b, loc, op->template getParentOfType<ModuleOp>(),
                          threads, "lp-linalg-to-blas");
      if (!threadsValue) {
        failedDeclare = true;
        return false;
      }
      split = Split{m >= n, std::max(m, n), {}};
      split->blocks =
          lp::splitIntoBlocks(b, loc, split->len, threadsValue, kTile);
      splitting = getConstantIntValue(split->blocks.count).value_or(2) > 1;
    }
    auto emitBlocks = [&](OpBuilder &pb, Value batch) {
      auto loop = scf::ParallelOp::create(pb, loc, ValueRange{zero},
                                          ValueRange{split->blocks.count},
                                          ValueRange{one});
      OpBuilder ib = OpBuilder::atBlockBegin(loop.getBody());
      emitCall(ib, batch, &*split, loop.getInductionVars()[0]);
    };
    auto emitProduct = [&](OpBuilder &pb, Value batch) {
      if (!splitting)
        return emitCall(pb, batch, nullptr, nullptr);
      if (getConstantIntValue(split->blocks.count))
        return emitBlocks(pb, batch);
      Value several = arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::ugt,
                                            split->blocks.count, one);
      auto choice = scf::IfOp::create(pb, loc, several, /*withElse=*/true);
      OpBuilder thenBuilder = choice.getThenBodyBuilder();
      emitBlocks(thenBuilder, batch);
      OpBuilder elseBuilder = choice.getElseBodyBuilder();
      emitCall(elseBuilder, batch, nullptr, nullptr);
    };
    if (oneBatchedCall) {
      auto [pa, lda] = pointerAndLd(b, loc, a, nullptr);
      auto [pb, ldb] = pointerAndLd(b, loc, bm, nullptr);
      auto [pc, ldc] = pointerAndLd(b, loc, c, nullptr);
      func::CallOp::create(
          b, loc, sgemm,
          ValueRange{order, transA, transB, mConst, nConst, kConst, alpha, pa,
                     lda, batchStride(b, loc, a), pb, ldb,
                     batchStride(b, loc, bm), betaValue, pc, ldc,
                     batchStride(b, loc, c), i32(bounds[0])});
    } else if (!batched) {
      emitProduct(b, nullptr);
    } else {
      Value count = arith::ConstantIndexOp::create(b, loc, bounds[0]);
      // Small products of a batch run side by side (each on one BLAS
      // thread: the runtime's dispatcher gives calls inside a parallel
      // region one thread); large ones one after another, each split or on
      // all of BLAS's threads.
      if (parallelBatches && bounds[0] > 1 &&
          m * n * k < int64_t(parallelBatchesBelow)) {
        auto loop = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                            ValueRange{count}, ValueRange{one});
        OpBuilder ib = OpBuilder::atBlockBegin(loop.getBody());
        emitCall(ib, loop.getInductionVars()[0], nullptr, nullptr);
      } else {
        auto loop = scf::ForOp::create(b, loc, zero, count, one);
        OpBuilder ib = OpBuilder::atBlockBegin(loop.getBody());
        emitProduct(ib, loop.getInductionVar());
      }
    }
    if (epilogue)
      lp::dropBiasAdd(*epilogue, c);
    op->erase();
    return true;
  }

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      rewrite(op, isa<linalg::BatchMatmulOp>(op));
      if (failedDeclare)
        return signalPassFailure();
    }
  }

  bool failedDeclare = false;
};
} // namespace
