//===- LpModule.cpp - the Python extension lp._lp -------------------------===//
//
// Binds the compile API (lp/Runner/Compile.h) and the runtime's Session
// (lp/Runtime/Session.h) for the package `lp` (python/lp): a model parsed
// and verified by the dialect's own code, compiled with the options of
// lp-build-train-step and lp-lower-to-llvm, and a session that calls the
// step on NumPy arrays bound without copies and shows its parameters and
// state as NumPy views. Nothing of the pipeline or the loop is here: this
// file converts types and errors.
//
//===----------------------------------------------------------------------===//

#include "ModelBuilder.h"
#include "Native.h"

#include "lp/Runtime/BufferCache.h"
#include "lp/Runtime/Contractions.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/Session.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <mutex>

namespace nb = nanobind;
using namespace mlir;
using namespace lp::python;

namespace {

/// Sets `options` from the keyword options of lp.compile (their names are
/// lp-run's, with '_' for '-'); an unknown key is an error.
void setOptions(lp::CompileOptions &options, const nb::dict &kwargs) {
  lp::BuildTrainStepOptions &t = options.trainStep;
  for (auto [key, value] : kwargs) {
    std::string k = nb::cast<std::string>(key);
    // A value of the wrong type names the option (nb::cast alone would
    // say std::bad_cast).
    auto as = [&](auto tag, const char *what) {
      using T = decltype(tag);
      T v{};
      if (!nb::try_cast<T>(value, v))
        throw nb::type_error(("compile option '" + k + "' must be " + what +
                              ", got " +
                              nb::cast<std::string>(nb::str(value.type())))
                                 .c_str());
      return v;
    };
    auto str = [&] { return as(std::string(), "a string"); };
    auto real = [&] { return as(double(), "a number"); };
    auto flag = [&] { return as(bool(), "True or False"); };
    auto integer = [&] { return as(int64_t(), "an integer"); };
    if (k == "function")
      options.function = str();
    else if (k == "train")
      options.train = flag();
    else if (k == "optimizer")
      t.optimizer = str();
    else if (k == "lr")
      t.lr = real();
    else if (k == "momentum")
      t.momentum = real();
    else if (k == "dampening")
      t.dampening = real();
    else if (k == "nesterov")
      t.nesterov = flag();
    else if (k == "weight_decay")
      t.weightDecay = real();
    else if (k == "beta1")
      t.beta1 = real();
    else if (k == "beta2")
      t.beta2 = real();
    else if (k == "eps")
      t.eps = real();
    else if (k == "amsgrad")
      t.amsgrad = flag();
    else if (k == "maximize")
      t.maximize = flag();
    else if (k == "precision")
      t.precision = str();
    else if (k == "precision_overrides")
      t.precisionOverrides = str();
    else if (k == "lowp_result")
      t.lowpResult = str();
    else if (k == "master_weights")
      t.masterWeights = flag();
    else if (k == "loss_scale")
      t.lossScale = str();
    else if (k == "init_scale")
      t.initScale = real();
    else if (k == "growth_factor")
      t.growthFactor = real();
    else if (k == "backoff_factor")
      t.backoffFactor = real();
    else if (k == "growth_interval")
      t.growthInterval = integer();
    else if (k == "fake_quant")
      t.fakeQuant = str();
    else if (k == "clip_grad_norm")
      t.clipNorm = real();
    else if (k == "clip_grad_value")
      t.clipValue = real();
    else if (k == "parallel")
      options.lowering.parallel = flag();
    else if (k == "device") {
      std::string device = str();
      if (device == "cuda") {
        // As lp-run --device=cuda: kernels for the GPU at hand.
        if (std::string e = lp::rt::cuda::initialize(); !e.empty())
          throw LpError("device='cuda': " + e);
        options.cuda = true;
        options.gpuLowering.chip = lp::rt::cuda::chipName();
      } else if (device != "cpu") {
        throw nb::value_error(
            ("device must be 'cpu' or 'cuda', got '" + device + "'").c_str());
      }
    } else
      throw nb::value_error(("unknown compile option '" + k + "'").c_str());
  }
}

/// A compiled module: the JIT code and its steps.
struct Compiled {
  std::shared_ptr<MLIRContext> context; // outlives the code's module
  lp::CompiledModule compiled;
  lp::rt::Step step, eval;
  bool hasEval = false;
  std::string precisionReport;
  std::vector<std::pair<std::string, std::string>> stageIR;

  Compiled(const Model &model, const nb::dict &kwargs, bool keepIR)
      : context(model.context) {
    // Buffers reused across the step's calls, as in lp-run.
    lp::rt::buffers::configureProcessAllocator();
    lp::CompileOptions options;
    if (keepIR)
      options.stageIR = &stageIR;
    // Kernels split over the OpenMP threads when the step runs.
    options.lowering.parallel = true;
    setOptions(options, kwargs);
    std::vector<std::string> widened;
    if (std::string e = lp::rt::chooseLowpProducts("", widened); !e.empty())
      throw LpError(e);
    options.lowering.widenLowp = llvm::ArrayRef<std::string>(widened);
    llvm::raw_string_ostream report(precisionReport);
    options.precisionReport = &report;
    // compile() rewrites its module: a copy, so the model stays as built.
    OwningOpRef<ModuleOp> copy(model.module->clone());
    std::vector<lp::Diagnostic> diagnostics;
    lp::DiagnosticCollector collect(*context, diagnostics);
    auto result = lp::compile(*copy, options);
    if (!result)
      throw LpError(describe(llvm::toString(result.takeError()), diagnostics));
    compiled = std::move(*result);
    const std::string &name =
        options.train ? compiled.trainStep : compiled.function;
    if (std::string e = lp::rt::Step::load(*compiled.code, name, step);
        !e.empty())
      throw LpError(e);
    if (options.train && !compiled.eval.empty()) {
      if (std::string e =
              lp::rt::Step::load(*compiled.code, compiled.eval, eval);
          !e.empty())
        throw LpError(e);
      hasEval = true;
    }
  }
};

lp::npy::DType dtypeOf(const nb::dlpack::dtype &d) {
  using Code = nb::dlpack::dtype_code;
  if (d.lanes == 1) {
    if (d.code == uint8_t(Code::Float) && d.bits == 32)
      return lp::npy::DType::F32;
    if (d.code == uint8_t(Code::Float) && d.bits == 64)
      return lp::npy::DType::F64;
    if (d.code == uint8_t(Code::Float) && d.bits == 16)
      return lp::npy::DType::F16;
    // bf16 arrives as its bits (python/lp views ml_dtypes' bfloat16 as
    // uint16: NumPy has no bf16 of its own); LP has no uint16 type.
    if ((d.code == uint8_t(Code::Bfloat) || d.code == uint8_t(Code::UInt)) &&
        d.bits == 16)
      return lp::npy::DType::BF16;
    if (d.code == uint8_t(Code::Int) && d.bits == 64)
      return lp::npy::DType::I64;
    if (d.code == uint8_t(Code::Int) && d.bits == 32)
      return lp::npy::DType::I32;
    if (d.code == uint8_t(Code::Int) && d.bits == 8)
      return lp::npy::DType::I8;
    if (d.code == uint8_t(Code::UInt) && d.bits == 8)
      return lp::npy::DType::U8;
    if (d.code == uint8_t(Code::Bool))
      return lp::npy::DType::Bool;
  }
  throw nb::type_error("unsupported array dtype");
}

nb::dlpack::dtype dlpackOf(lp::npy::DType t) {
  using D = lp::npy::DType;
  switch (t) {
  case D::F32:
    return nb::dtype<float>();
  case D::F64:
    return nb::dtype<double>();
  case D::F16:
    return {uint8_t(nb::dlpack::dtype_code::Float), 16, 1};
  case D::BF16: // as its bits; python/lp views them as bfloat16
    return nb::dtype<uint16_t>();
  case D::I64:
    return nb::dtype<int64_t>();
  case D::I32:
    return nb::dtype<int32_t>();
  case D::I8:
    return nb::dtype<int8_t>();
  case D::U8:
    return nb::dtype<uint8_t>();
  case D::Bool:
    return nb::dtype<bool>();
  }
  return nb::dtype<float>();
}

using NumPyArray = nb::ndarray<nb::numpy, nb::c_contig>;
/// A batch array: read only, C order, in host memory.
using InputArray =
    nb::ndarray<nb::numpy, nb::ro, nb::c_contig, nb::device::cpu>;
using Batch = std::map<std::string, InputArray>;

/// A NumPy array over `a`'s elements, kept alive by `owner`.
NumPyArray view(lp::npy::Array &a, nb::handle owner) {
  std::vector<size_t> shape(a.shape.begin(), a.shape.end());
  return NumPyArray(a.data.data(), shape.size(), shape.data(), owner, nullptr,
                    dlpackOf(a.dtype));
}

/// A session: the compiled step, its state and calls.
struct PySession {
  nb::object compiledRef; // keeps the Compiled (its steps) alive
  lp::rt::Session session;
  std::mutex calling;

  PySession(nb::object compiled, uint64_t seed, const std::string &params)
      : compiledRef(compiled) {
    Compiled &c = nb::cast<Compiled &>(compiled);
    if (std::string e =
            session.init(c.step, c.hasEval ? &c.eval : nullptr, seed, params);
        !e.empty())
      throw LpError(e);
    listResults();
  }

  nb::dict call(bool evalFn, const Batch &batch) {
    std::map<std::string, lp::rt::BatchArray> arrays;
    for (const auto &[name, a] : batch) {
      lp::rt::BatchArray b;
      b.data = a.data();
      b.dtype = dtypeOf(a.dtype());
      for (size_t i = 0; i < a.ndim(); ++i)
        b.shape.push_back(int64_t(a.shape(i)));
      arrays.emplace(name, std::move(b));
    }
    std::vector<lp::npy::Array> results;
    std::string e;
    {
      nb::gil_scoped_release release;
      // One call at a time: the calls share the state arrays.
      std::lock_guard<std::mutex> lock(calling);
      e = session.call(evalFn, arrays, results);
    }
    if (!e.empty())
      throw LpError(e);
    // Each result the caller gets (not state) as a bytearray of its
    // elements, which Python views as an array of the signature's dtype
    // and shape: a fresh, writable array per call, made for a fraction of
    // what exporting an ndarray costs (18 us a step for the char LM's two
    // losses, 1 % of its step).
    nb::dict out;
    for (const auto &[name, i] : evalFn ? evalResults : stepResults) {
      const auto &data = results[i].data;
      out[name] = nb::steal(PyByteArray_FromStringAndSize(
          reinterpret_cast<const char *>(data.data()),
          Py_ssize_t(data.size())));
    }
    return out;
  }

  /// The results a call returns to the caller (those that are not state),
  /// by name and index, for the step and the eval function.
  std::vector<std::pair<nb::str, size_t>> stepResults, evalResults;

  void listResults() {
    auto list = [&](const lp::rt::Step *fn,
                    std::vector<std::pair<nb::str, size_t>> &out) {
      if (!fn)
        return;
      const lp::rt::Signature &sig = fn->signature();
      for (size_t i = 0; i < sig.results.size(); ++i)
        if (!session.state().count(sig.results[i].name))
          out.emplace_back(nb::str(sig.results[i].name.c_str()), i);
    };
    list(&session.trainStep(), stepResults);
    list(session.evalStep(), evalResults);
  }
};

} // namespace

NB_MODULE(_lp, m) {
  m.doc() = "LP's native extension (python/src/LpModule.cpp); use the "
            "package `lp`.";
  nb::exception<LpError>(m, "Error");

  nb::class_<Model>(m, "Model")
      .def(nb::init<const std::string &, const std::string &>(),
           nb::arg("text"), nb::arg("filename") = "model.mlir")
      .def_prop_ro("text", &Model::text);

  nb::class_<ModelBuilder>(m, "ModelBuilder")
      .def(nb::init<const std::string &>(), nb::arg("function"))
      .def("argument", &ModelBuilder::argument)
      .def("op", &ModelBuilder::op)
      .def("finish", &ModelBuilder::finish)
      .def("type_of", &ModelBuilder::typeOf);

  nb::class_<Compiled>(m, "Compiled")
      .def(nb::init<const Model &, const nb::dict &, bool>())
      .def_prop_ro(
          "function",
          [](const Compiled &c) { return c.step.signature().function; })
      .def_prop_ro("signature",
                   [](const Compiled &c) { return c.step.signatureText(); })
      .def_prop_ro("eval_signature",
                   [](const Compiled &c) {
                     return c.hasEval ? c.eval.signatureText() : "";
                   })
      .def_ro("precision_report", &Compiled::precisionReport)
      .def_ro("stage_ir", &Compiled::stageIR);

  nb::class_<PySession>(m, "Session")
      .def(nb::init<nb::object, uint64_t, const std::string &>(),
           nb::arg("compiled"), nb::arg("seed") = 0, nb::arg("params") = "")
      .def("step", [](PySession &s,
                      const Batch &batch) { return s.call(false, batch); })
      .def("eval",
           [](PySession &s, const Batch &batch) { return s.call(true, batch); })
      .def("state",
           [](nb::handle self) {
             PySession &s = nb::cast<PySession &>(self);
             nb::dict out;
             for (auto &[name, array] : s.session.state())
               out[name.c_str()] = view(array, self);
             return out;
           })
      .def_prop_ro(
          "last_call_ms",
          [](PySession &s) { return s.session.lastCallSeconds() * 1e3; })
      .def("save",
           [](PySession &s, const std::string &path) {
             if (std::string e = s.session.save(path); !e.empty())
               throw LpError(e);
           })
      .def("load", [](PySession &s, const std::string &path) {
        if (std::string e = s.session.load(path); !e.empty())
          throw LpError(e);
      });

  m.def("contraction_report", &lp::rt::contractionReport);
}
