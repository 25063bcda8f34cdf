//===- ModelBuilder.cpp - a model built op by op --------------------------===//

#include "ModelBuilder.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using lp::python::LpError;
using lp::python::ModelBuilder;

ModelBuilder::ModelBuilder(const std::string &name) : context(makeContext()) {
  OpBuilder b(context.get());
  Location loc = UnknownLoc::get(context.get());
  module = ModuleOp::create(b, loc);
  b.setInsertionPointToEnd(module->getBody());
  function = func::FuncOp::create(b, loc, name, b.getFunctionType({}, {}));
  function.addEntryBlock();
}

mlir::Value ModelBuilder::value(int64_t v) const {
  if (!function)
    throw LpError("the model is finished");
  if (v < 0 || v >= int64_t(values.size()))
    throw LpError("value #" + std::to_string(v) + " is not of this builder");
  return values[v];
}

mlir::DictionaryAttr ModelBuilder::dictionary(const std::string &text) const {
  if (text.empty())
    return DictionaryAttr::get(context.get());
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  auto dict =
      dyn_cast_or_null<DictionaryAttr>(parseAttribute(text, context.get()));
  if (!dict)
    throw LpError(describe("invalid attributes " + text, diagnostics));
  return dict;
}

int64_t ModelBuilder::argument(const std::string &typeText,
                               const std::string &attrs) {
  if (!function)
    throw LpError("the model is finished");
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  Type type = parseType(typeText, context.get());
  if (!type)
    throw LpError(describe("invalid type " + typeText, diagnostics));
  DictionaryAttr dict = dictionary(attrs); // before anything is added
  Block &entry = function.getBody().front();
  values.push_back(entry.addArgument(type, UnknownLoc::get(context.get())));
  argAttrs.push_back(dict);
  return int64_t(values.size()) - 1;
}

int64_t ModelBuilder::op(const std::string &name,
                         const std::vector<int64_t> &operands,
                         const std::string &resultType,
                         const std::string &attrs, const std::string &file,
                         int64_t line) {
  if (!function)
    throw LpError("the model is finished");
  std::optional<RegisteredOperationName> registered =
      RegisteredOperationName::lookup(name, context.get());
  if (!registered)
    throw LpError(file + ":" + std::to_string(line) + ": error: '" + name +
                  "' is not a registered op");
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  Type type = parseType(resultType, context.get());
  if (!type)
    throw LpError(describe("invalid type " + resultType, diagnostics));
  Location loc = FileLineColLoc::get(context.get(), file, unsigned(line), 0);
  OperationState state(loc, *registered);
  for (int64_t v : operands)
    state.addOperands(value(v));
  state.addTypes(type);
  state.addAttributes(dictionary(attrs).getValue());
  // The op's own attributes of the wrong kind are errors here: the op
  // would otherwise be made with them missing.
  if (failed(registered->verifyInherentAttrs(state.attributes,
                                             [&] { return emitError(loc); })))
    throw LpError(
        describe(name + ": the dialect rejects this op", diagnostics));
  OpBuilder b = OpBuilder::atBlockEnd(&function.getBody().front());
  Operation *op = b.create(state);
  if (failed(verify(op))) {
    op->erase();
    throw LpError(
        describe(name + ": the dialect rejects this op", diagnostics));
  }
  values.push_back(op->getResult(0));
  return int64_t(values.size()) - 1;
}

lp::python::Model
ModelBuilder::finish(const std::vector<int64_t> &results,
                     const std::vector<std::string> &resultAttrs,
                     const std::string &functionAttrs) {
  if (!function)
    throw LpError("the model is finished");
  if (resultAttrs.size() != results.size())
    throw LpError("one attribute dictionary per result");
  Block &entry = function.getBody().front();
  SmallVector<Value> returned;
  SmallVector<Type> types;
  for (int64_t v : results) {
    returned.push_back(value(v));
    types.push_back(returned.back().getType());
  }
  // Every dictionary parsed before the function changes.
  SmallVector<DictionaryAttr> resultDicts;
  for (const std::string &text : resultAttrs)
    resultDicts.push_back(dictionary(text));
  DictionaryAttr functionDict = dictionary(functionAttrs);
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  func::ReturnOp::create(b, function.getLoc(), returned);
  function.setType(b.getFunctionType(entry.getArgumentTypes(), types));
  for (size_t i = 0; i < argAttrs.size(); ++i)
    function.setArgAttrs(i, argAttrs[i]);
  for (size_t i = 0; i < results.size(); ++i)
    function.setResultAttrs(i, resultDicts[i]);
  for (NamedAttribute a : functionDict)
    function->setAttr(a.getName(), a.getValue());
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  // The builder is done either way: its values are the module's.
  function = nullptr;
  values.clear();
  if (failed(verify(*module)))
    throw LpError(describe("invalid model", diagnostics));
  return Model(context, std::move(module));
}

std::string ModelBuilder::typeOf(int64_t v) const {
  std::string s;
  llvm::raw_string_ostream os(s);
  value(v).getType().print(os);
  return s;
}
