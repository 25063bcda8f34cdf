//===- MapProductsToMma.cpp - lp-map-products-to-mma ----------------------===//
//
// f16 and bf16 products on tensor cores: one warp per 16x8 tile of C, a
// loop over k in steps of 16, each step one `mma.sync.m16n8k16` with f32
// accumulation. Each lane holds the elements PTX's fragment layout for
// mma.m16n8k16 gives it (g = lane / 4, t = lane % 4):
//
//   A (16x16, row):  a_i at row g + 8 * ((i >> 1) & 1),
//                           col 2t + (i & 1) + 8 * (i >> 2),   i < 8
//   B (16x8, col):   b_i at row 2t + (i & 1) + 8 * (i >> 1), col g,  i < 4
//   C (16x8, f32):   c_i at row g + 8 * (i >> 1), col 2t + (i & 1), i < 4
//
// and passes them as 32-bit registers of two elements, the lower index in
// the lower half. Operands are read from global memory where they are, in
// either orientation (a transposed map swaps the indices). Only
// `linalg.matmul` ops (whose maps lp-fold-transpose-into-matmul may have
// transposed) directly in a function's body are taken: their body is
// C += A * B by definition.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/AffineMap.h"

namespace lp {
#define GEN_PASS_DEF_MAPPRODUCTSTOMMA
#include "lp/Codegen/GPUPasses.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// How a 2-D product reads an operand: (d0, d1) as written or swapped.
enum class Orientation { Plain, Swapped, Other };

Orientation orientation(AffineMap map, unsigned row, unsigned col) {
  MLIRContext *ctx = map.getContext();
  if (map ==
      AffineMap::get(
          3, 0, {getAffineDimExpr(row, ctx), getAffineDimExpr(col, ctx)}, ctx))
    return Orientation::Plain;
  if (map ==
      AffineMap::get(
          3, 0, {getAffineDimExpr(col, ctx), getAffineDimExpr(row, ctx)}, ctx))
    return Orientation::Swapped;
  return Orientation::Other;
}

/// A product this pass takes: A (m x k) and B (k x n) of f16 or bf16, C
/// (m x n) f32, sizes multiples of 16, 8 and 16.
struct Product {
  linalg::MatmulOp op;
  Value a, b, c;
  Orientation la, lb;
  int64_t m, n, k;
  bool bf16;
};

std::optional<Product> match(linalg::MatmulOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() != 3)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  if (iterators[0] != utils::IteratorType::parallel ||
      iterators[1] != utils::IteratorType::parallel ||
      iterators[2] != utils::IteratorType::reduction)
    return std::nullopt;
  Product p{op,
            op.getDpsInputs()[0],
            op.getDpsInputs()[1],
            op.getDpsInits()[0],
            Orientation::Other,
            Orientation::Other,
            0,
            0,
            0,
            false};
  Type ta = getElementTypeOrSelf(p.a.getType());
  Type tb = getElementTypeOrSelf(p.b.getType());
  if (ta != tb || !(ta.isF16() || ta.isBF16()) ||
      !getElementTypeOrSelf(p.c.getType()).isF32())
    return std::nullopt;
  p.bf16 = ta.isBF16();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  p.la = orientation(maps[0], 0, 2);
  p.lb = orientation(maps[1], 2, 1);
  if (p.la == Orientation::Other || p.lb == Orientation::Other ||
      orientation(maps[2], 0, 1) != Orientation::Plain)
    return std::nullopt;
  SmallVector<int64_t> bounds = op.getStaticLoopRanges();
  if (llvm::any_of(bounds, ShapedType::isDynamic))
    return std::nullopt;
  p.m = bounds[0];
  p.n = bounds[1];
  p.k = bounds[2];
  if (p.m <= 0 || p.n <= 0 || p.k <= 0 || p.m % 16 || p.n % 8 || p.k % 16)
    return std::nullopt;
  return p;
}

/// The launch that computes `p` (the op is erased).
void emitLaunch(Product &p) {
  OpBuilder b(p.op);
  Location loc = p.op.getLoc();
  auto index = [&](OpBuilder &ob, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, loc, v);
  };
  Value one = index(b, 1);
  auto launch =
      gpu::LaunchOp::create(b, loc, index(b, p.n / 8), index(b, p.m / 16), one,
                            index(b, 32), one, one);
  OpBuilder ib = OpBuilder::atBlockBegin(&launch.getBody().front());
  Value lane = launch.getThreadIds().x;
  Value g = arith::DivUIOp::create(ib, loc, lane, index(ib, 4));
  Value t = arith::RemUIOp::create(ib, loc, lane, index(ib, 4));
  Value twoT = arith::MulIOp::create(ib, loc, t, index(ib, 2));
  Value row0 =
      arith::MulIOp::create(ib, loc, launch.getBlockIds().y, index(ib, 16));
  Value col0 =
      arith::MulIOp::create(ib, loc, launch.getBlockIds().x, index(ib, 8));
  auto add = [&](OpBuilder &ob, Value x, int64_t c) -> Value {
    return c ? Value(arith::AddIOp::create(ob, loc, x, index(ob, c))) : x;
  };
  Type f32 = b.getF32Type(), i16 = b.getI16Type(), i32 = b.getI32Type();
  Type element = getElementTypeOrSelf(p.a.getType());
  // Two elements as one 32-bit register, the first in the lower half
  // (f16 pairs as vector<2xf16>, the type nvvm.mma.sync takes for f16).
  auto pack = [&](OpBuilder &ob, Value lo, Value hi) -> Value {
    auto bits = [&](Value x) -> Value {
      return arith::ExtUIOp::create(ob, loc, i32,
                                    arith::BitcastOp::create(ob, loc, i16, x));
    };
    Value word = arith::OrIOp::create(
        ob, loc, bits(lo),
        arith::ShLIOp::create(ob, loc, bits(hi),
                              arith::ConstantIntOp::create(ob, loc, i32, 16)));
    if (p.bf16)
      return word;
    return LLVM::BitcastOp::create(ob, loc, VectorType::get({2}, element),
                                   word);
  };
  auto load = [&](OpBuilder &ob, Value buffer, Orientation o, Value row,
                  Value col) -> Value {
    if (o == Orientation::Swapped)
      std::swap(row, col);
    return memref::LoadOp::create(ob, loc, buffer, ValueRange{row, col});
  };
  Value zero = arith::ConstantOp::create(ib, loc, ib.getF32FloatAttr(0));
  auto loop =
      scf::ForOp::create(ib, loc, index(ib, 0), index(ib, p.k), index(ib, 16),
                         ValueRange{zero, zero, zero, zero});
  {
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    Value k0 = loop.getInductionVar();
    Value kt = arith::AddIOp::create(lb, loc, k0, twoT);
    SmallVector<Value> a, bv;
    for (int i = 0; i < 8; ++i) {
      Value row =
          add(lb, arith::AddIOp::create(lb, loc, row0, g), 8 * ((i >> 1) & 1));
      Value col = add(lb, kt, (i & 1) + 8 * (i >> 2));
      a.push_back(load(lb, p.a, p.la, row, col));
    }
    for (int i = 0; i < 4; ++i) {
      Value row = add(lb, kt, (i & 1) + 8 * (i >> 1));
      Value col = arith::AddIOp::create(lb, loc, col0, g);
      bv.push_back(load(lb, p.b, p.lb, row, col));
    }
    SmallVector<Value> aRegs, bRegs;
    for (int i = 0; i < 8; i += 2)
      aRegs.push_back(pack(lb, a[i], a[i + 1]));
    for (int i = 0; i < 4; i += 2)
      bRegs.push_back(pack(lb, bv[i], bv[i + 1]));
    auto result =
        LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
    NVVM::MMATypes type = p.bf16 ? NVVM::MMATypes::bf16 : NVVM::MMATypes::f16;
    auto mma = NVVM::MmaOp::create(
        lb, loc, result, aRegs, bRegs, loop.getRegionIterArgs(), {16, 8, 16},
        std::nullopt, std::nullopt, std::array<NVVM::MMATypes, 2>{type, type},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> sums;
    for (int64_t i = 0; i < 4; ++i)
      sums.push_back(LLVM::ExtractValueOp::create(lb, loc, mma, i));
    scf::YieldOp::create(lb, loc, sums);
  }
  ib.setInsertionPointAfter(loop);
  for (int i = 0; i < 4; ++i) {
    Value row = add(ib, arith::AddIOp::create(ib, loc, row0, g), 8 * (i >> 1));
    Value col = add(ib, arith::AddIOp::create(ib, loc, col0, twoT), i & 1);
    Value old = memref::LoadOp::create(ib, loc, p.c, ValueRange{row, col});
    Value sum = arith::AddFOp::create(ib, loc, old, loop.getResult(i));
    memref::StoreOp::create(ib, loc, sum, p.c, ValueRange{row, col});
  }
  gpu::TerminatorOp::create(ib, loc);
  p.op->erase();
}

/// The number of an `sm_XY` chip name (XY), or 0.
unsigned chipNumber(StringRef chip) {
  unsigned number = 0;
  if (chip.consume_front("sm_"))
    chip.take_while([](char c) { return llvm::isDigit(c); })
        .getAsInteger(10, number);
  return number;
}

struct MapProductsToMma : lp::impl::MapProductsToMmaBase<MapProductsToMma> {
  using MapProductsToMmaBase::MapProductsToMmaBase;
  void runOnOperation() override {
    // Products of a function's body only: one inside a loop or a branch
    // would put a launch inside the launch lp-map-to-gpu makes of it.
    SmallVector<Product> products;
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (!fn.isExternal())
        for (auto op : fn.getBody().front().getOps<linalg::MatmulOp>())
          if (std::optional<Product> p = match(op))
            products.push_back(*p);
    // mma.sync.m16n8k16 (f16 and bf16) needs sm_80: say so here rather
    // than let ptxas refuse the module.
    if (!products.empty() && chipNumber(chip) < 80) {
      products.front().op.emitOpError()
          << "runs on tensor cores with matmul=mma, which needs sm_80 or "
             "newer (mma.sync.m16n8k16); the chip is '"
          << chip << "' (use matmul=generated or cublaslt)";
      return signalPassFailure();
    }
    for (Product &p : products)
      emitLaunch(p);
  }
};

} // namespace
