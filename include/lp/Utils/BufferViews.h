//===- BufferViews.h - a buffer and the views made of it ---------*- C++
//-*-===//
//
// On bufferized IR: the buffer a view is of, and every value that may be a
// view of a buffer. Used by the passes that reason about which buffer an
// op touches (lp-free-after-last-use, lp-saved-buffers, the BLAS
// epilogues).
//
//===----------------------------------------------------------------------===//

#ifndef LP_UTILS_BUFFERVIEWS_H
#define LP_UTILS_BUFFERVIEWS_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SetVector.h"

namespace lp {

/// The buffer `v` is a view of, through view-like ops (subviews, reshapes,
/// casts); `v` itself when it is not a view.
mlir::Value rootBuffer(mlir::Value v);

/// `buffer` and every memref-typed result of an op that uses one of these,
/// transitively: what may hold the same memory, in the order found.
llvm::SetVector<mlir::Value> viewsOf(mlir::Value buffer);

/// Whether `a` and `b` are views of distinct buffers: allocations,
/// constant globals or a function's arguments (distinct arguments are
/// distinct buffers: the step's calling convention).
bool distinctBuffers(mlir::Value a, mlir::Value b);

} // namespace lp

#endif // LP_UTILS_BUFFERVIEWS_H
