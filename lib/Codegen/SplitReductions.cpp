//===- SplitReductions.cpp - lp-split-reductions --------------------------===//
//
// A whole-tensor reduction (a linalg.generic whose iterators are all
// reductions into a 0-d buffer) becomes stages of partial results that
// lp-map-to-gpu runs in parallel, instead of one thread: the first stage
// runs the body over a strided share of the iterations per thread, later
// stages combine 64 partial results per thread, and a last loop combines
// the remaining ones into the result. A reduction with few results for
// its length (a bias gradient's columns) is cut into chunks of each
// result's iterations, one thread each, then one thread per result
// combines its chunks' partial results (GPUPasses.td).
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"
#include "lp/Utils/BufferViews.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace lp {
#define GEN_PASS_DEF_SPLITREDUCTIONS
#include "lp/Codegen/GPUPasses.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// Partial results combined per thread after the first stage, and the most
/// left for the last, serial loop.
constexpr int64_t kFanIn = 64, kSerialMost = 256;

/// The threads a reduction with parallel dimensions is split over, at
/// most (fewer when its results are many: it is split only when there are
/// fewer than half as many results).
constexpr int64_t kChunkThreads = 32768;

/// What a reduction combines: its accumulator is combined once by
/// `combiner` with `value`, whose neutral element is `neutral`.
struct Combiner {
  Operation *combiner;
  Value value; ///< the other operand, computed by the body
  TypedAttr neutral;
};

std::optional<Combiner> matchCombiner(linalg::GenericOp g) {
  SmallVector<Operation *> ops;
  Value value = matchReduction(g.getRegionOutputArgs(), 0, ops);
  if (!value || ops.size() != 1 || ops[0]->getNumOperands() != 2 ||
      ops[0]->getNumResults() != 1)
    return std::nullopt;
  auto yield = cast<linalg::YieldOp>(g.getRegion().front().getTerminator());
  BlockArgument out = g.getRegionOutputArgs()[0];
  if (yield.getValues()[0] != ops[0]->getResult(0) || !out.hasOneUse())
    return std::nullopt;
  // Integers and floats only (getNeutralElement casts to them).
  Type elem = out.getType();
  if (!isa<IntegerType, FloatType>(elem))
    return std::nullopt;
  std::optional<TypedAttr> neutral = arith::getNeutralElement(ops[0]);
  if (!neutral)
    return std::nullopt;
  // -0 is addf's neutral element (+0 + -0 is +0): a sum of -0s stays -0.
  if (isa<arith::AddFOp>(ops[0]))
    neutral = FloatAttr::get(elem, -0.0);
  return Combiner{ops[0], value, *neutral};
}

/// Whether the body can run in any order and split: no nested regions
/// (their linalg.index would stay unmapped), no writes, loads only of
/// buffers that are not the result's.
bool splittableBody(linalg::GenericOp g) {
  Value result = g.getDpsInits()[0];
  auto other = [&](Value v) { return lp::distinctBuffers(v, result); };
  if (!llvm::all_of(g.getDpsInputs(), [&](Value in) {
        return !isa<MemRefType>(in.getType()) || other(in);
      }))
    return false;
  return llvm::all_of(g.getRegion().front().without_terminator(),
                      [&](Operation &op) {
                        if (op.getNumRegions() > 0)
                          return false;
                        if (auto load = dyn_cast<memref::LoadOp>(op))
                          return other(load.getMemRef());
                        return isMemoryEffectFree(&op);
                      });
}

struct SplitReductions : lp::impl::SplitReductionsBase<SplitReductions> {
  using SplitReductionsBase::SplitReductionsBase;

  /// `acc` combined with `v` by the reduction's combiner, at `b`.
  Value combine(OpBuilder &b, const Combiner &c, BlockArgument out, Value acc,
                Value v) {
    IRMapping map;
    map.map(out, acc);
    map.map(c.value, v);
    return b.clone(*c.combiner, map)->getResult(0);
  }

  /// A stage: `count` threads, thread t folding iterations t, t + count,
  /// ... below `total` with `step(b, i, acc)` from the neutral element,
  /// into a new buffer of `count` partial results.
  Value stage(OpBuilder &b, Location loc, Type elem, const Combiner &c,
              int64_t count, int64_t total,
              function_ref<Value(OpBuilder &, Value, Value)> step) {
    auto type = MemRefType::get({count}, elem);
    Value partial = memref::AllocOp::create(b, loc, type);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value countValue = arith::ConstantIndexOp::create(b, loc, count);
    Value totalValue = arith::ConstantIndexOp::create(b, loc, total);
    scf::ParallelOp::create(
        b, loc, ValueRange{zero}, ValueRange{countValue}, ValueRange{one},
        [&](OpBuilder &pb, Location l, ValueRange ivs) {
          Value neutral = arith::ConstantOp::create(pb, l, c.neutral);
          auto loop = scf::ForOp::create(
              pb, l, ivs[0], totalValue, countValue, ValueRange{neutral},
              [&](OpBuilder &fb, Location fl, Value i, ValueRange acc) {
                scf::YieldOp::create(fb, fl, step(fb, i, acc[0]));
              });
          memref::StoreOp::create(pb, l, loop.getResult(0), partial, ivs);
        });
    return partial;
  }

  /// The indices of the flattened `linear` over `ranges`, the last fastest.
  static SmallVector<Value> delinearize(OpBuilder &b, Location loc,
                                        Value linear,
                                        ArrayRef<int64_t> ranges) {
    SmallVector<Value> idx(ranges.size());
    Value rest = linear;
    for (int64_t d = ranges.size() - 1; d >= 0; --d) {
      Value n = arith::ConstantIndexOp::create(b, loc, ranges[d]);
      idx[d] = d == 0 ? rest : arith::RemUIOp::create(b, loc, rest, n);
      if (d > 0)
        rest = arith::DivUIOp::create(b, loc, rest, n);
    }
    return idx;
  }

  /// The body at the loop indices `idx`, its accumulator `acc`.
  Value bodyAt(OpBuilder &b, Location loc, linalg::GenericOp g,
               ArrayRef<Value> idx, Value acc) {
    Block &body = g.getRegion().front();
    IRMapping map;
    for (OpOperand *in : g.getDpsInputOperands()) {
      Value operand = in->get();
      BlockArgument arg = body.getArgument(in->getOperandNumber());
      if (!isa<MemRefType>(operand.getType())) {
        map.map(arg, operand);
        continue;
      }
      map.map(arg, memref::LoadOp::create(
                       b, loc, operand,
                       at(b, loc, g.getMatchingIndexingMap(in), idx)));
    }
    map.map(g.getRegionOutputArgs()[0], acc);
    for (Operation &op : body.without_terminator()) {
      if (auto index = dyn_cast<linalg::IndexOp>(op)) {
        map.map(index.getResult(), idx[index.getDim()]);
        continue;
      }
      b.clone(op, map);
    }
    return map.lookup(
        cast<linalg::YieldOp>(body.getTerminator()).getValues()[0]);
  }

  /// The element `m` reads at the loop indices `idx`.
  static SmallVector<Value> at(OpBuilder &b, Location loc, AffineMap m,
                               ArrayRef<Value> idx) {
    SmallVector<Value> indices;
    for (AffineExpr e : m.getResults())
      indices.push_back(affine::expandAffineExpr(b, loc, e, idx, {}));
    return indices;
  }

  /// A reduction with parallel dimensions whose P results are few for the
  /// length L of each (a bias gradient: P columns of L rows): R chunks of
  /// each reduction, R x P threads (the result index fastest: consecutive
  /// threads read consecutive elements of a row), thread (r, p) folding
  /// iterations r, r + R, ... of result p into a partial result; then P
  /// threads, each combining its R partial results into its result. False
  /// when there are too many results to gain from it.
  bool splitChunks(linalg::GenericOp g, const Combiner &c,
                   ArrayRef<int64_t> ranges) {
    SmallVector<unsigned> parallel, reduction;
    SmallVector<int64_t> parallelRanges, reductionRanges;
    for (auto [d, it] : llvm::enumerate(g.getIteratorTypesArray()))
      (it == utils::IteratorType::parallel ? parallel : reduction).push_back(d);
    for (unsigned d : parallel)
      parallelRanges.push_back(ranges[d]);
    for (unsigned d : reduction)
      reductionRanges.push_back(ranges[d]);
    // Each result is one parallel iteration's (no two threads write one).
    AffineMap outMap = g.getMatchingIndexingMap(g.getDpsInitOperand(0));
    if (!outMap.isProjectedPermutation() ||
        outMap.getNumResults() != parallel.size() ||
        llvm::any_of(outMap.getResults(), [&](AffineExpr e) {
          return !llvm::is_contained(parallel,
                                     cast<AffineDimExpr>(e).getPosition());
        }))
      return false;
    int64_t results = 1, length = 1;
    for (int64_t r : parallelRanges)
      results *= r;
    for (int64_t r : reductionRanges)
      length *= r;
    int64_t chunks =
        std::min<int64_t>(llvm::divideCeil(length, 32),
                          std::max<int64_t>(1, kChunkThreads / results));
    if (chunks < 2)
      return false;
    OpBuilder b(g);
    Location loc = g.getLoc();
    Value result = g.getDpsInits()[0];
    Type elem = cast<MemRefType>(result.getType()).getElementType();
    BlockArgument out = g.getRegionOutputArgs()[0];
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value chunkCount = arith::ConstantIndexOp::create(b, loc, chunks);
    Value resultCount = arith::ConstantIndexOp::create(b, loc, results);
    Value lengthValue = arith::ConstantIndexOp::create(b, loc, length);
    // The loop indices of result `p` and reduction iteration `i` (zeros for
    // the reduction dimensions when `i` is null: the result's map ignores
    // them).
    auto indices = [&](OpBuilder &ib, Value p, Value i) {
      SmallVector<Value> idx(ranges.size(), zero);
      for (auto [d, v] :
           llvm::zip(parallel, delinearize(ib, loc, p, parallelRanges)))
        idx[d] = v;
      if (i)
        for (auto [d, v] :
             llvm::zip(reduction, delinearize(ib, loc, i, reductionRanges)))
          idx[d] = v;
      return idx;
    };
    Value partial = memref::AllocOp::create(
        b, loc, MemRefType::get({chunks, results}, elem));
    scf::ParallelOp::create(
        b, loc, ValueRange{zero},
        ValueRange{arith::ConstantIndexOp::create(b, loc, chunks * results)},
        ValueRange{one}, [&](OpBuilder &pb, Location l, ValueRange ivs) {
          Value chunk = arith::DivUIOp::create(pb, l, ivs[0], resultCount);
          Value p = arith::RemUIOp::create(pb, l, ivs[0], resultCount);
          Value neutral = arith::ConstantOp::create(pb, l, c.neutral);
          auto loop = scf::ForOp::create(
              pb, l, chunk, lengthValue, chunkCount, ValueRange{neutral},
              [&](OpBuilder &fb, Location fl, Value i, ValueRange acc) {
                scf::YieldOp::create(
                    fb, fl, bodyAt(fb, fl, g, indices(fb, p, i), acc[0]));
              });
          memref::StoreOp::create(pb, l, loop.getResult(0), partial,
                                  ValueRange{chunk, p});
        });
    scf::ParallelOp::create(
        b, loc, ValueRange{zero}, ValueRange{resultCount}, ValueRange{one},
        [&](OpBuilder &pb, Location l, ValueRange ivs) {
          SmallVector<Value> where = at(pb, l, outMap, indices(pb, ivs[0], {}));
          Value initial = memref::LoadOp::create(pb, l, result, where);
          auto loop = scf::ForOp::create(
              pb, l, zero, chunkCount, one, ValueRange{initial},
              [&](OpBuilder &fb, Location fl, Value r, ValueRange acc) {
                Value v = memref::LoadOp::create(fb, fl, partial,
                                                 ValueRange{r, ivs[0]});
                scf::YieldOp::create(fb, fl, combine(fb, c, out, acc[0], v));
              });
          memref::StoreOp::create(pb, l, loop.getResult(0), result, where);
        });
    memref::DeallocOp::create(b, loc, partial);
    g.erase();
    return true;
  }

  void split(linalg::GenericOp g, const Combiner &c, ArrayRef<int64_t> ranges,
             int64_t total) {
    OpBuilder b(g);
    Location loc = g.getLoc();
    Value result = g.getDpsInits()[0];
    Type elem = cast<MemRefType>(result.getType()).getElementType();
    BlockArgument out = g.getRegionOutputArgs()[0];
    int64_t count = std::min<int64_t>(llvm::divideCeil(total, 16), threads);
    Value partial = stage(
        b, loc, elem, c, count, total, [&](OpBuilder &sb, Value i, Value acc) {
          return bodyAt(sb, loc, g, delinearize(sb, loc, i, ranges), acc);
        });
    while (count > kSerialMost) {
      int64_t next = llvm::divideCeil(count, kFanIn);
      Value from = partial;
      partial = stage(b, loc, elem, c, next, count,
                      [&](OpBuilder &sb, Value i, Value acc) {
                        Value v = memref::LoadOp::create(sb, loc, from, i);
                        return combine(sb, c, out, acc, v);
                      });
      memref::DeallocOp::create(b, loc, from);
      count = next;
    }
    // The last partial results into the result, from its value.
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    Value countValue = arith::ConstantIndexOp::create(b, loc, count);
    Value initial = memref::LoadOp::create(b, loc, result);
    auto last = scf::ForOp::create(
        b, loc, zero, countValue, one, ValueRange{initial},
        [&](OpBuilder &fb, Location fl, Value j, ValueRange acc) {
          Value v = memref::LoadOp::create(fb, fl, partial, j);
          scf::YieldOp::create(fb, fl, combine(fb, c, out, acc[0], v));
        });
    memref::StoreOp::create(b, loc, last.getResult(0), result);
    memref::DeallocOp::create(b, loc, partial);
    g.erase();
  }

  void runOnOperation() override {
    if (minSize < 1 || threads < 1) {
      getOperation()->emitError("lp-split-reductions: min-size and threads "
                                "must be positive");
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> candidates;
    getOperation()->walk([&](linalg::GenericOp g) {
      // Only in a function's body: the stages allocate, which host loops
      // and branches cannot (lp-map-to-gpu).
      if (!isa<func::FuncOp>(g->getParentOp()) || !g.hasPureBufferSemantics() ||
          g.getNumDpsInits() != 1 || g.getNumReductionLoops() == 0)
        return;
      auto type = dyn_cast<MemRefType>(g.getDpsInits()[0].getType());
      if (type && (type.getRank() == 0) == (g.getNumParallelLoops() == 0))
        candidates.push_back(g);
    });
    for (linalg::GenericOp g : candidates) {
      SmallVector<int64_t> ranges = g.getStaticLoopRanges();
      if (llvm::any_of(ranges, ShapedType::isDynamic))
        continue;
      int64_t total = 1;
      for (int64_t r : ranges)
        total *= r;
      if (total < minSize)
        continue;
      if (!splittableBody(g))
        continue;
      std::optional<Combiner> c = matchCombiner(g);
      if (!c)
        continue;
      if (g.getNumParallelLoops() == 0)
        split(g, *c, ranges, total);
      else
        splitChunks(g, *c, ranges);
    }
  }
};
} // namespace
