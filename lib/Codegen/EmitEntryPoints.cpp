//===- EmitEntryPoints.cpp - the lp-emit-entry-points pass ----------------===//
//
// Gives each lowered public function with an `lp.signature` what a runtime
// without MLIR needs to call it: the symbol `lp_signature_<fn>` (its
// signature document, completed with the entry point and the results
// updated in place, as a NUL-terminated string), the packed entry point
// `lp_entry_<fn>(void **args)` (one pointer per scalar of the expanded
// memref descriptors of the arguments and out-parameters, the convention of
// the ExecutionEngine's `_mlir_` wrappers), and `lp_entry_points`, the JSON
// list of the functions described. The same symbols serve the JIT and a
// step compiled ahead of time.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/Support/JSON.h"

namespace lp {
#define GEN_PASS_DEF_EMITENTRYPOINTS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// A NUL-terminated constant string global.
void createStringGlobal(OpBuilder &b, Location loc, StringRef name,
                        StringRef text) {
  std::string value = text.str();
  value.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), value.size());
  LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                         LLVM::Linkage::External, name, b.getStringAttr(value));
}

/// `void entry(ptr args)`: loads each parameter of `fn` through args[i]
/// and calls it.
void createPackedEntry(OpBuilder &b, LLVM::LLVMFuncOp fn, StringRef name) {
  Location loc = fn.getLoc();
  auto ptr = LLVM::LLVMPointerType::get(b.getContext());
  auto type =
      LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(b.getContext()), ptr);
  auto entry = LLVM::LLVMFuncOp::create(b, loc, name, type);
  OpBuilder::InsertionGuard guard(b);
  Block *body = entry.addEntryBlock(b);
  b.setInsertionPointToStart(body);
  SmallVector<Value> values;
  for (auto [i, paramType] :
       llvm::enumerate(fn.getFunctionType().getParams())) {
    Value slot = LLVM::GEPOp::create(b, loc, ptr, ptr, body->getArgument(0),
                                     ArrayRef<LLVM::GEPArg>{int32_t(i)});
    Value address = LLVM::LoadOp::create(b, loc, ptr, slot);
    values.push_back(LLVM::LoadOp::create(b, loc, paramType, address));
  }
  LLVM::CallOp::create(b, loc, fn, values);
  LLVM::ReturnOp::create(b, loc, ValueRange{});
}

/// The number of scalars of a memref descriptor of `shape`, expanded.
int64_t expandedSize(const llvm::json::Object &slot) {
  const llvm::json::Array *shape = slot.getArray("shape");
  return 3 + 2 * int64_t(shape ? shape->size() : 0);
}

struct EmitEntryPoints : lp::impl::EmitEntryPointsBase<EmitEntryPoints> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(module.getContext());
    b.setInsertionPointToEnd(module.getBody());
    llvm::json::Array described;
    for (auto fn : llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>())) {
      auto text = fn->getAttrOfType<StringAttr>(lp::kSignatureAttr);
      if (!text)
        continue;
      fn->removeAttr(lp::kSignatureAttr);
      FailureOr<std::string> doc = complete(fn, text.getValue());
      if (failed(doc))
        return signalPassFailure();
      if (doc->empty())
        continue;
      createStringGlobal(b, fn.getLoc(), lp::signatureSymbol(fn.getName()),
                         *doc);
      createPackedEntry(b, fn, lp::entryPointSymbol(fn.getName()));
      described.push_back(fn.getName());
    }
    if (described.empty())
      return;
    std::string list;
    llvm::raw_string_ostream os(list);
    os << llvm::json::Value(std::move(described));
    createStringGlobal(b, module.getLoc(), "lp_entry_points", list);
  }

  /// The signature of the lowered `fn`, with its entry point and in-place
  /// results; empty when `fn` does not take its results as out-parameters
  /// (it gets no entry point).
  FailureOr<std::string> complete(LLVM::LLVMFuncOp fn, StringRef text) {
    llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
    llvm::json::Object *doc = parsed ? parsed->getAsObject() : nullptr;
    llvm::json::Array *args = doc ? doc->getArray("args") : nullptr;
    llvm::json::Array *results = doc ? doc->getArray("results") : nullptr;
    if (!args || !results) {
      if (!parsed)
        llvm::consumeError(parsed.takeError());
      return fn.emitError("malformed ") << lp::kSignatureAttr;
    }
    auto tied = fn->getAttrOfType<DenseI64ArrayAttr>(lp::kInplaceResultsAttr);
    if (tied && tied.size() != int64_t(results->size()))
      return fn.emitError("lp.inplace_results does not match the results");
    int64_t expected = 0;
    for (const llvm::json::Value &a : *args)
      expected += expandedSize(*a.getAsObject());
    for (auto [i, r] : llvm::enumerate(*results)) {
      llvm::json::Object &slot = *r.getAsObject();
      int64_t arg = tied ? tied[i] : -1;
      if (arg < 0) {
        expected += expandedSize(slot);
        continue;
      }
      if (arg >= int64_t(args->size()) || (*args)[arg].getAsObject()->getString(
                                              "name") != slot.getString("name"))
        return fn.emitError("result '")
               << slot.getString("name").value_or("")
               << "' is updated in place in an argument of another name";
      slot["inplace_arg"] = arg;
    }
    if (fn.getFunctionType().getNumParams() != expected ||
        !isa<LLVM::LLVMVoidType>(fn.getFunctionType().getReturnType()))
      return std::string();
    (*doc)["entry"] = lp::entryPointSymbol(fn.getName());
    // A module with GPU kernels (lp-gpu-codegen) takes device buffers.
    auto module = fn->getParentOfType<ModuleOp>();
    if (!module.getOps<gpu::BinaryOp>().empty())
      (*doc)["device"] = "cuda";
    std::string out;
    llvm::raw_string_ostream os(out);
    os << llvm::json::Value(std::move(*doc));
    return out;
  }
};
} // namespace
