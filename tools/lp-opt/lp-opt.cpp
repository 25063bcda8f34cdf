//===- lp-opt.cpp - the LP optimizer driver -------------------------------===//

#include "TestPasses.h"
#include "lp/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  lp::registerAllDialects(registry);
  lp::registerAllPasses();
  lp::test::registerTestPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "LP optimizer driver\n", registry));
}
