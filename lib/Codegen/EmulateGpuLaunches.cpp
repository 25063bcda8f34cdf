//===- EmulateGpuLaunches.cpp - lp-emulate-gpu-launches -------------------===//
//
// gpu.launch -> loops over its blocks and threads on the host: the serial
// execution of a kernel without barriers, to check lp-map-to-gpu's mapping
// numerically on a machine without a GPU.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace lp {
#define GEN_PASS_DEF_EMULATEGPULAUNCHES
#include "lp/Codegen/GPUPasses.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct EmulateGpuLaunches
    : lp::impl::EmulateGpuLaunchesBase<EmulateGpuLaunches> {
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation()->walk(
        [&](gpu::LaunchOp launch) { launches.push_back(launch); });
    IRRewriter rewriter(&getContext());
    for (gpu::LaunchOp launch : launches) {
      bool barrier =
          launch.getBody()
              .walk([](gpu::BarrierOp) { return WalkResult::interrupt(); })
              .wasInterrupted();
      if (barrier || launch.getAsyncToken() || launch.hasClusterSize() ||
          launch.getBody().getBlocks().size() != 1) {
        launch.emitOpError("cannot be emulated: it synchronizes its "
                           "threads, is asynchronous, has clusters or "
                           "several blocks");
        return signalPassFailure();
      }
      Location loc = launch.getLoc();
      rewriter.setInsertionPoint(launch);
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      IRMapping map;
      map.map(launch.getGridSize().x, grid.x);
      map.map(launch.getGridSize().y, grid.y);
      map.map(launch.getGridSize().z, grid.z);
      map.map(launch.getBlockSize().x, block.x);
      map.map(launch.getBlockSize().y, block.y);
      map.map(launch.getBlockSize().z, block.z);
      // z outermost, x innermost: blocks, then the threads of each.
      Value bounds[6] = {grid.z, grid.y, grid.x, block.z, block.y, block.x};
      Value ids[6] = {launch.getBlockIds().z,  launch.getBlockIds().y,
                      launch.getBlockIds().x,  launch.getThreadIds().z,
                      launch.getThreadIds().y, launch.getThreadIds().x};
      for (int i = 0; i < 6; ++i) {
        auto loop = scf::ForOp::create(rewriter, loc, zero, bounds[i], one);
        map.map(ids[i], loop.getInductionVar());
        rewriter.setInsertionPoint(loop.getBody()->getTerminator());
      }
      for (Operation &op : launch.getBody().front().without_terminator())
        rewriter.clone(op, map);
      rewriter.eraseOp(launch);
    }
  }
};
} // namespace
