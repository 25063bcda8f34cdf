//===- ModelBuilder.h - a model built op by op --------------*- C++ -*-===//
//
// lp.ModelBuilder's native side: a function whose arguments and ops are
// added one at a time, each op verified by the dialect's own verifier as
// soon as it is made (its error raised then, located at the Python line
// that built it), and the function verified whole when its results are set.
// Types and attributes arrive as MLIR text; values are numbered.
//
//===----------------------------------------------------------------------===//

#ifndef LP_PYTHON_MODELBUILDER_H
#define LP_PYTHON_MODELBUILDER_H

#include "Native.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace lp::python {

class ModelBuilder {
public:
  explicit ModelBuilder(const std::string &function);

  /// Adds an argument of `type` (e.g. "tensor<64x64xf32>") with the
  /// attribute dictionary `attrs` ("{lp.role = \"input\", ...}"); its
  /// value's number.
  int64_t argument(const std::string &type, const std::string &attrs);

  /// Appends the op `name` ("lp.linear") on the values `operands` with one
  /// result of `resultType` and the attribute dictionary `attrs`, located
  /// at `file`:`line`; its result's number. Throws LpError, naming the op,
  /// when the dialect rejects it (nothing is added then).
  int64_t op(const std::string &name, const std::vector<int64_t> &operands,
             const std::string &resultType, const std::string &attrs,
             const std::string &file, int64_t line);

  /// Returns `values` with the result attribute dictionaries
  /// `resultAttrs` and the function attributes `functionAttrs`, verifies
  /// the function and hands the model over (the builder is then empty).
  Model finish(const std::vector<int64_t> &values,
               const std::vector<std::string> &resultAttrs,
               const std::string &functionAttrs);

  /// The MLIR type of value `v` as text.
  std::string typeOf(int64_t v) const;

private:
  mlir::Value value(int64_t v) const;
  mlir::DictionaryAttr dictionary(const std::string &text) const;

  std::shared_ptr<mlir::MLIRContext> context;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  mlir::func::FuncOp function;
  std::vector<mlir::Value> values;
  std::vector<mlir::DictionaryAttr> argAttrs;
};

} // namespace lp::python

#endif // LP_PYTHON_MODELBUILDER_H
