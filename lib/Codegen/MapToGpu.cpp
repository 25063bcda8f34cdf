//===- MapToGpu.cpp - lp-map-to-gpu ---------------------------------------===//
//
// Every loop nest of the host functions (linalg on buffers, after
// lp-bufferize) becomes a gpu.launch, so that the host code only allocates,
// calls and launches, and never touches device memory itself:
//
//   - a linalg op becomes loops with its parallel dimensions outermost (the
//     op is generalized and interchanged first: a bias gradient, iterators
//     [reduction, parallel], is one thread per column, not one thread);
//   - its parallel dimensions, all of them whatever the rank, are flattened
//     onto one grid of `block-size` threads: thread t of block b computes
//     the iteration b * block-size + t, guarded against the remainder; the
//     reductions are sequential loops inside the thread;
//   - memref.copy on the host becomes such a loop nest too (any layout);
//   - whatever else reads or writes memory on the host (a whole-tensor
//     reduction, a store to a 0-d buffer) runs in a one-thread launch,
//     consecutive ones in the same launch.
//
// No launch allocates: the buffers are the host's allocations.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

namespace lp {
#define GEN_PASS_DEF_MAPTOGPU
#include "lp/Codegen/GPUPasses.h.inc"
} // namespace lp

using namespace mlir;

/// linalg op -> loops, parallel dimensions outermost.
static LogicalResult toParallelLoops(IRRewriter &rewriter,
                                     linalg::LinalgOp op) {
  rewriter.setInsertionPoint(op);
  linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic) {
    FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
    if (failed(g))
      return op->emitOpError("cannot be generalized for the GPU");
    generic = *g;
  }
  SmallVector<unsigned> order;
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  for (unsigned i = 0; i < iterators.size(); ++i)
    if (iterators[i] == utils::IteratorType::parallel)
      order.push_back(i);
  for (unsigned i = 0; i < iterators.size(); ++i)
    if (iterators[i] != utils::IteratorType::parallel)
      order.push_back(i);
  bool identity = llvm::all_of(llvm::enumerate(order),
                               [](auto e) { return e.value() == e.index(); });
  if (!identity) {
    FailureOr<linalg::GenericOp> g =
        linalg::interchangeGenericOp(rewriter, generic, order);
    if (failed(g))
      return generic->emitOpError("cannot be interchanged for the GPU");
    generic = *g;
  }
  if (failed(linalg::linalgOpToParallelLoops(rewriter, generic)))
    return generic->emitOpError("cannot be lowered to loops for the GPU");
  rewriter.eraseOp(generic);
  return success();
}

/// memref.copy -> a parallel loop nest of loads and stores.
static void copyToLoops(IRRewriter &rewriter, memref::CopyOp copy) {
  rewriter.setInsertionPoint(copy);
  Location loc = copy.getLoc();
  auto type = cast<MemRefType>(copy.getSource().getType());
  Value src = copy.getSource(), dst = copy.getTarget();
  if (type.getRank() == 0) {
    Value v = memref::LoadOp::create(rewriter, loc, src);
    memref::StoreOp::create(rewriter, loc, v, dst);
  } else {
    SmallVector<Value> lbs, ubs, steps;
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (int64_t d = 0; d < type.getRank(); ++d) {
      lbs.push_back(zero);
      steps.push_back(one);
      ubs.push_back(memref::DimOp::create(rewriter, loc, src, d));
    }
    scf::ParallelOp::create(rewriter, loc, lbs, ubs, steps,
                            [&](OpBuilder &b, Location l, ValueRange ivs) {
                              Value v = memref::LoadOp::create(b, l, src, ivs);
                              memref::StoreOp::create(b, l, v, dst, ivs);
                            });
  }
  rewriter.eraseOp(copy);
}

/// Ops the host runs itself: allocation, views, calls, pure values, and
/// loops of those (a batch of library products, lp-linalg-to-blas). A
/// memref.alloca is not among them: kernels cannot read the host's stack.
static bool staysOnHost(Operation *op) {
  auto hostOp = [](Operation *o) {
    return isa<memref::AllocOp, memref::DeallocOp, func::CallOp, func::ReturnOp,
               gpu::LaunchOp, ViewLikeOpInterface, memref::DimOp,
               lp::BackwardBeginOp>(o) ||
           isMemoryEffectFree(o);
  };
  if (hostOp(op))
    return true;
  if (op->getNumRegions() == 0)
    return false;
  return !op->walk([&](Operation *inner) {
              if (inner == op || inner->getNumRegions() > 0 ||
                  inner->hasTrait<OpTrait::IsTerminator>() || hostOp(inner))
                return WalkResult::advance();
              return WalkResult::interrupt();
            }).wasInterrupted();
}

static gpu::LaunchOp createLaunch(IRRewriter &rewriter, Location loc,
                                  Value grid, Value block) {
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  auto launch =
      gpu::LaunchOp::create(rewriter, loc, grid, one, one, block, one, one);
  Block &body = launch.getBody().front();
  if (body.empty() || !body.back().hasTrait<OpTrait::IsTerminator>()) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToEnd(&body);
    gpu::TerminatorOp::create(rewriter, loc);
  }
  return launch;
}

/// One thread per iteration of `loop`'s flattened index space.
static LogicalResult launchParallel(IRRewriter &rewriter, scf::ParallelOp loop,
                                    int64_t blockSize) {
  if (loop.getNumResults() != 0)
    return loop.emitOpError("with reductions is not mapped to the GPU");
  Location loc = loop.getLoc();
  rewriter.setInsertionPoint(loop);
  // Trip counts on the host; constant shapes are counted here.
  SmallVector<Value> counts;
  Value total = arith::ConstantIndexOp::create(rewriter, loc, 1);
  std::optional<int64_t> staticTotal = 1;
  for (auto [lb, ub, step] :
       llvm::zip(loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> l = getConstantIntValue(lb),
                           u = getConstantIntValue(ub),
                           s = getConstantIntValue(step);
    Value count;
    if (l && u && s && *s > 0) {
      int64_t n = std::max<int64_t>(0, llvm::divideCeil(*u - *l, *s));
      count = arith::ConstantIndexOp::create(rewriter, loc, n);
      if (staticTotal)
        *staticTotal *= n;
    } else {
      // An empty or reversed range is no iteration (not a negative count).
      Value extent = arith::SubIOp::create(rewriter, loc, ub, lb);
      count = arith::MaxSIOp::create(
          rewriter, loc,
          arith::CeilDivSIOp::create(rewriter, loc, extent, step),
          arith::ConstantIndexOp::create(rewriter, loc, 0));
      staticTotal.reset();
    }
    counts.push_back(count);
    total = arith::MulIOp::create(rewriter, loc, total, count);
  }
  if (staticTotal)
    total = arith::ConstantIndexOp::create(rewriter, loc, *staticTotal);
  if (staticTotal && *staticTotal == 0) {
    rewriter.eraseOp(loop);
    return success();
  }
  int64_t threads = staticTotal ? std::min(blockSize, *staticTotal) : blockSize;
  Value block = arith::ConstantIndexOp::create(rewriter, loc, threads);
  Value grid = arith::CeilDivSIOp::create(rewriter, loc, total, block);
  // A grid of no blocks is not a launch the driver accepts.
  if (!staticTotal) {
    Value any =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, total,
                              arith::ConstantIndexOp::create(rewriter, loc, 0));
    auto nonEmpty = scf::IfOp::create(rewriter, loc, any, false);
    rewriter.setInsertionPointToStart(&nonEmpty.getThenRegion().front());
  }
  gpu::LaunchOp launch = createLaunch(rewriter, loc, grid, block);

  rewriter.setInsertionPointToStart(&launch.getBody().front());
  Value linear = arith::AddIOp::create(
      rewriter, loc,
      arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x,
                            launch.getBlockSize().x),
      launch.getThreadIds().x);
  Value inRange = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::slt, linear, total);
  auto guard = scf::IfOp::create(rewriter, loc, inRange, false);
  rewriter.setInsertionPointToStart(&guard.getThenRegion().front());
  // The last dimension varies fastest (coalesced accesses).
  IRMapping map;
  Value rest = linear;
  for (int64_t d = counts.size() - 1; d >= 0; --d) {
    Value index =
        d == 0 ? rest : arith::RemSIOp::create(rewriter, loc, rest, counts[d]);
    if (d > 0)
      rest = arith::DivSIOp::create(rewriter, loc, rest, counts[d]);
    Value scaled =
        arith::MulIOp::create(rewriter, loc, index, loop.getStep()[d]);
    map.map(
        loop.getInductionVars()[d],
        arith::AddIOp::create(rewriter, loc, loop.getLowerBound()[d], scaled));
  }
  for (Operation &op : loop.getBody()->without_terminator())
    rewriter.clone(op, map);
  rewriter.eraseOp(loop);
  return success();
}

/// The buffer a memref value views.
static Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

static bool mayWrite(Operation *op, Value root, int depth = 0);

/// Whether buffers with roots `a` and `b` may overlap: the same buffer, or
/// one whose origin is unknown (not an allocation or a function argument).
/// Distinct arguments are distinct buffers (the step's calling convention).
static bool mayAlias(Value a, Value b) {
  auto known = [](Value v) {
    return isa<BlockArgument>(v) || v.getDefiningOp<memref::AllocOp>() ||
           v.getDefiningOp<memref::GetGlobalOp>();
  };
  return a == b || !known(a) || !known(b);
}

/// Whether `call` may write its buffer operand `index`: what its callee's
/// body does with the parameter (a declaration may do anything).
static bool callMayWrite(func::CallOp call, unsigned index, int depth) {
  auto callee = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(
      call, call.getCalleeAttr());
  if (!callee || callee.isDeclaration() || depth > 8)
    return true;
  return mayWrite(callee, callee.getArgument(index), depth + 1);
}

/// Whether `op` may write the buffer `root`: any write or free effect on a
/// buffer that may alias it, calls that write it, and ops whose effects
/// are unknown.
static bool mayWrite(Operation *op, Value root, int depth) {
  return op
      ->walk([&](Operation *inner) {
        if (auto call = dyn_cast<func::CallOp>(inner)) {
          for (auto [i, v] : llvm::enumerate(call.getOperands()))
            if (isa<MemRefType>(v.getType()) && mayAlias(rootBuffer(v), root) &&
                callMayWrite(call, i, depth))
              return WalkResult::interrupt();
          return WalkResult::advance();
        }
        if (inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
          return WalkResult::advance(); // its body is walked
        if (inner == op && isa<FunctionOpInterface>(op))
          return WalkResult::advance(); // a callee: its body is walked
        auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
        if (!effects)
          return WalkResult::interrupt(); // unknown effects
        SmallVector<MemoryEffects::EffectInstance> list;
        effects.getEffects(list);
        for (const MemoryEffects::EffectInstance &e : list) {
          if (!isa<MemoryEffects::Write, MemoryEffects::Free>(e.getEffect()))
            continue;
          Value v = e.getValue();
          if (!v || mayAlias(rootBuffer(v), root))
            return WalkResult::interrupt();
        }
        return WalkResult::advance();
      })
      .wasInterrupted();
}

/// A scalar the host reads from a buffer (`memref.load`) or computes from
/// such scalars, used by a later op (the all-finite flag of loss scaling,
/// the sum of several reductions): the host cannot read device memory, so
/// the loads and the arithmetic are repeated where they are used, inside
/// the loop nest that uses them or just before a top-level user (which a
/// one-thread launch then takes with them). Refused if the buffer may
/// change in between.
static LogicalResult sinkHostScalars(IRRewriter &rewriter, Block &block) {
  llvm::SetVector<Operation *> deferred;
  for (Operation &op : block) {
    bool fromDeferred = llvm::any_of(op.getOperands(), [&](Value v) {
      return v.getDefiningOp() && deferred.contains(v.getDefiningOp());
    });
    // A global's address is the host's: the launches that use it take the
    // op (outlining then copies the global into the kernels' module).
    if (isa<memref::LoadOp, memref::GetGlobalOp>(op) ||
        (fromDeferred && op.getNumRegions() == 0 && isMemoryEffectFree(&op)))
      deferred.insert(&op);
  }
  // Clones the chain that computes `v` before `at`.
  std::function<Value(Value, Operation *, IRMapping &)> rematerialize =
      [&](Value v, Operation *at, IRMapping &map) -> Value {
    Operation *def = v.getDefiningOp();
    if (!def || !deferred.contains(def))
      return v;
    if (map.contains(v))
      return map.lookup(v);
    for (Value operand : def->getOperands())
      rematerialize(operand, at, map);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(at);
    rewriter.clone(*def, map);
    return map.lookup(v);
  };
  // Whether every load of `v`'s chain reads a buffer that nothing between
  // it and `end` (excluded) writes.
  std::function<bool(Value, Operation *)> stable = [&](Value v,
                                                       Operation *end) {
    Operation *def = v.getDefiningOp();
    if (!def || !deferred.contains(def))
      return true;
    if (auto load = dyn_cast<memref::LoadOp>(def)) {
      Value root = rootBuffer(load.getMemRef());
      // Deallocations of the buffers read are moved to the end (below).
      for (Operation *op = def->getNextNode(); op != end;
           op = op->getNextNode())
        if (!deferred.contains(op) && !isa<memref::DeallocOp>(op) &&
            mayWrite(op, root))
          return false;
    }
    return llvm::all_of(def->getOperands(),
                        [&](Value o) { return stable(o, end); });
  };
  for (Operation *def : deferred)
    for (OpOperand &use : llvm::make_early_inc_range(def->getUses())) {
      Operation *user = use.getOwner();
      if (deferred.contains(user))
        continue; // cloned with the chain it belongs to
      Operation *top = block.findAncestorOpInBlock(*user);
      if (!top)
        return user->emitOpError("uses a scalar the GPU computes in another "
                                 "block: not mapped to the GPU");
      // A loop nest that writes the buffer itself could overwrite it
      // before one of its iterations reads it; a top-level op reads first.
      if (!stable(use.get(), top == user ? top : top->getNextNode()))
        return user->emitOpError(
            "reads a scalar the GPU computes from a buffer that may change "
            "before it is used");
      IRMapping map;
      use.set(rematerialize(use.get(), user, map));
    }
  // The buffers those loads read are freed at the end of the function
  // instead of after the (original) load.
  llvm::SmallPtrSet<Value, 8> read;
  for (Operation *def : deferred)
    if (auto load = dyn_cast<memref::LoadOp>(def))
      read.insert(rootBuffer(load.getMemRef()));
  for (Operation *def : llvm::reverse(deferred))
    if (def->use_empty())
      rewriter.eraseOp(def);
  SmallVector<memref::DeallocOp> late;
  for (auto dealloc : block.getOps<memref::DeallocOp>())
    if (read.contains(rootBuffer(dealloc.getMemref())))
      late.push_back(dealloc);
  for (memref::DeallocOp dealloc : late)
    dealloc->moveBefore(block.getTerminator());
  return success();
}

/// Moves `ops` (consecutive in one block, results used only among them)
/// into a one-thread launch placed where the last of them was.
static LogicalResult launchSerial(IRRewriter &rewriter,
                                  ArrayRef<Operation *> ops) {
  llvm::SmallPtrSet<Operation *, 8> inGroup(ops.begin(), ops.end());
  for (Operation *op : ops)
    for (Operation *user : op->getUsers()) {
      Operation *top = op->getBlock()->findAncestorOpInBlock(*user);
      if (!top || !inGroup.contains(top))
        return user->emitOpError(
            "reads a value the GPU computes: host code cannot read "
            "device memory");
    }
  Location loc = ops.back()->getLoc();
  rewriter.setInsertionPointAfter(ops.back());
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  gpu::LaunchOp launch = createLaunch(rewriter, loc, one, one);
  Operation *terminator = launch.getBody().front().getTerminator();
  for (Operation *op : ops)
    op->moveBefore(terminator);
  return success();
}

namespace {
struct MapToGpu : lp::impl::MapToGpuBase<MapToGpu> {
  using MapToGpuBase::MapToGpuBase;

  LogicalResult mapFunction(func::FuncOp fn) {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> linalgOps;
    SmallVector<memref::CopyOp> copies;
    fn.walk([&](Operation *op) {
      if (op->getParentOfType<gpu::LaunchOp>())
        return;
      if (auto l = dyn_cast<linalg::LinalgOp>(op))
        linalgOps.push_back(l);
      else if (auto c = dyn_cast<memref::CopyOp>(op))
        copies.push_back(c);
    });
    for (linalg::LinalgOp op : linalgOps)
      if (failed(toParallelLoops(rewriter, op)))
        return failure();
    for (memref::CopyOp copy : copies)
      copyToLoops(rewriter, copy);

    for (Block &block : fn.getBody()) {
      if (failed(sinkHostScalars(rewriter, block)))
        return failure();
      SmallVector<Operation *> serial;
      auto flush = [&]() -> LogicalResult {
        if (serial.empty())
          return success();
        LogicalResult r = launchSerial(rewriter, serial);
        serial.clear();
        return r;
      };
      for (Operation &op : llvm::make_early_inc_range(block)) {
        auto loop = dyn_cast<scf::ParallelOp>(op);
        bool readsGroup = llvm::any_of(op.getOperands(), [&](Value v) {
          Operation *def = v.getDefiningOp();
          return def && llvm::is_contained(serial, def);
        });
        if (!loop && (!staysOnHost(&op) || readsGroup)) {
          bool hostOnly =
              op.walk([](Operation *inner) {
                  return isa<func::CallOp, memref::AllocOp, memref::DeallocOp>(
                             inner)
                             ? WalkResult::interrupt()
                             : WalkResult::advance();
                }).wasInterrupted();
          if (hostOnly)
            return op.emitOpError("calls or allocates inside, so it stays on "
                                  "the host, but it reads or writes memory: "
                                  "host code cannot read device memory");
          serial.push_back(&op);
          continue;
        }
        // Pure host values may sit between the ops of a group; calls,
        // allocations and launches end it.
        if (!loop && isMemoryEffectFree(&op))
          continue;
        if (failed(flush()))
          return failure();
        if (loop && failed(launchParallel(rewriter, loop, blockSize)))
          return failure();
      }
      if (failed(flush()))
        return failure();
    }
    return success();
  }

  void runOnOperation() override {
    if (blockSize < 1 || blockSize > 1024) {
      getOperation()->emitError("lp-map-to-gpu: block-size must be in "
                                "[1, 1024], got ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (!fn.isDeclaration() && failed(mapFunction(fn)))
        return signalPassFailure();
  }
};
} // namespace
