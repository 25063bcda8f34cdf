//===- TestPasses.cpp - passes that exist for tests only ------------------===//
//
// Nothing to define here: each pass registers itself in its own file. The
// file keeps the library's name and header together.
//
//===----------------------------------------------------------------------===//

#include "TestPasses.h"
