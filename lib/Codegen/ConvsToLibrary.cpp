//===- ConvsToLibrary.cpp - the lp-convs-to-library pass ------------------===//
//
// Generics that convert-lp-to-linalg marked for the runtime's direct
// convolutions become calls of them (see Passes.td), when their buffers
// are contiguous and their maps are the marked convolution's.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Codegen/RuntimeCalls.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace lp {
#define GEN_PASS_DEF_CONVSTOLIBRARY
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

enum class Kind { Forward, GradFilter, GradInput };

std::optional<Kind> kindOf(StringRef call) {
  if (call == "lp_conv2d_f32")
    return Kind::Forward;
  if (call == "lp_conv2d_grad_filter_f32")
    return Kind::GradFilter;
  if (call == "lp_conv2d_grad_input_f32")
    return Kind::GradInput;
  return std::nullopt;
}

/// The static shape of a contiguous row-major f32 memref, or nothing.
std::optional<ArrayRef<int64_t>> contiguousShape(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!type || !type.getElementType().isF32() || type.getRank() != 4 ||
      !memref::isStaticShapeAndContiguousRowMajor(type))
    return std::nullopt;
  return type.getShape();
}

/// The address of the first element of `m` as an !llvm.ptr.
Value address(OpBuilder &b, Location loc, Value m) {
  auto meta = memref::ExtractStridedMetadataOp::create(b, loc, m);
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(
      b, loc, meta.getBaseBuffer());
  Value four = arith::ConstantIndexOp::create(b, loc, 4);
  Value addr = arith::AddIOp::create(
      b, loc, base, arith::MulIOp::create(b, loc, meta.getOffset(), four));
  Value addr64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), addr);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), addr64);
}

struct ConvsToLibrary : lp::impl::ConvsToLibraryBase<ConvsToLibrary> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (op.getLibraryCallAttr() && kindOf(op.getLibraryCallName()) &&
          op.hasPureBufferSemantics())
        ops.push_back(op);
    });
    for (linalg::GenericOp op : ops)
      if (failed(rewrite(op)))
        return signalPassFailure();
  }

  /// The maps convert-lp-to-linalg gives `kind` with stride `s`.
  static SmallVector<AffineMap> expectedMaps(Kind kind, ArrayRef<int64_t> s,
                                             MLIRContext *ctx) {
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<SmallVector<AffineExpr>> maps;
    switch (kind) {
    case Kind::Forward:
      maps = {{d(0), d(4), d(2) * s[0] + d(5), d(3) * s[1] + d(6)},
              {d(1), d(4), d(5), d(6)}};
      break;
    case Kind::GradFilter:
      maps = {{d(4), d(1), d(5) * s[0] + d(2), d(6) * s[1] + d(3)},
              {d(4), d(0), d(5), d(6)}};
      break;
    case Kind::GradInput:
      maps = {{d(0), d(4), d(2) + d(5), d(3) + d(6)}, {d(4), d(1), d(5), d(6)}};
      break;
    }
    maps.push_back({d(0), d(1), d(2), d(3)});
    return llvm::map_to_vector(maps, [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(7, 0, e, ctx);
    });
  }

  LogicalResult rewrite(linalg::GenericOp op) {
    Kind kind = *kindOf(op.getLibraryCallName());
    auto params = op->getAttrOfType<DenseI64ArrayAttr>(lp::kConvAttr);
    if (!params || params.size() != 4 || op.getNumDpsInputs() != 2)
      return success(); // not ours as written: leave the generic
    ArrayRef<int64_t> p = params.asArrayRef();
    Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1];
    Value out = op.getDpsInits()[0];
    auto as = contiguousShape(a), bs = contiguousShape(b),
         os = contiguousShape(out);
    if (!as || !bs || !os ||
        op.getIndexingMapsArray() !=
            expectedMaps(kind, p.take_front(2), op.getContext()))
      return success();
    linalg::FillOp fill = lp::zeroFillBefore(op, out);
    if (!fill)
      return success();
    // N, C, H, W, F, KH, KW, OH, OW, sh, sw, ph, pw.
    SmallVector<int64_t> dims;
    switch (kind) {
    case Kind::Forward: // a = xp [N,C,Hp,Wp], b = w, out = y [N,F,OH,OW]
      dims = {(*as)[0], (*as)[1], (*as)[2], (*as)[3], (*bs)[0],
              (*bs)[2], (*bs)[3], (*os)[2], (*os)[3], p[0],
              p[1],     0,        0};
      break;
    case Kind::GradFilter: // a = xp, b = dy [N,F,OH,OW], out = dw
      dims = {(*as)[0], (*as)[1], (*as)[2], (*as)[3], (*os)[0],
              (*os)[2], (*os)[3], (*bs)[2], (*bs)[3], p[0],
              p[1],     0,        0};
      break;
    case Kind::GradInput: { // a = dyd, b = wf [F,C,KH,KW], out = dx
      int64_t kh = (*bs)[2], kw = (*bs)[3];
      dims = {(*os)[0],
              (*os)[1],
              (*os)[2],
              (*os)[3],
              (*bs)[0],
              kh,
              kw,
              ((*os)[2] + 2 * p[2] - kh) / p[0] + 1,
              ((*os)[3] + 2 * p[3] - kw) / p[1] + 1,
              p[0],
              p[1],
              p[2],
              p[3]};
      break;
    }
    }
    OpBuilder builder(op);
    Location loc = op.getLoc();
    Type ptr = LLVM::LLVMPointerType::get(&getContext());
    SmallVector<Type> argTypes(3, ptr);
    argTypes.append(dims.size(), builder.getI64Type());
    func::FuncOp fn = lp::declareRuntimeFunction(
        op->getParentOfType<ModuleOp>(), op.getLibraryCallName(),
        builder.getFunctionType(argTypes, {}), "lp-convs-to-library",
        "runtime's");
    if (!fn)
      return failure();
    SmallVector<Value> args{address(builder, loc, a), address(builder, loc, b),
                            address(builder, loc, out)};
    for (int64_t v : dims)
      args.push_back(arith::ConstantIntOp::create(builder, loc, v, 64));
    func::CallOp::create(builder, loc, fn, args);
    fill.erase();
    op.erase();
    return success();
  }
};

} // namespace
