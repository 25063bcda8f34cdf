//===- Values.cpp - reading and writing array elements --------------------===//

#include "lp/Runtime/Values.h"
#include "lp/Runtime/HalfFloat.h"

#include <cstring>

using namespace lp;
using namespace lp::rt;

npy::Array lp::rt::makeArray(const TensorSlot &slot,
                             const std::vector<double> &values) {
  npy::Array a;
  a.dtype = slot.dtype;
  a.shape = slot.shape;
  a.data.resize(values.size() * npy::dtypeSize(slot.dtype));
  for (size_t i = 0; i < values.size(); ++i) {
    uint8_t *p = a.data.data() + i * npy::dtypeSize(slot.dtype);
    double v = values[i];
    switch (slot.dtype) {
    case npy::DType::F32: {
      float f = float(v);
      std::memcpy(p, &f, 4);
      break;
    }
    case npy::DType::F64:
      std::memcpy(p, &v, 8);
      break;
    case npy::DType::F16: {
      uint16_t h = floatToHalf(float(v));
      std::memcpy(p, &h, 2);
      break;
    }
    case npy::DType::BF16: {
      uint16_t h = floatToBf16(float(v));
      std::memcpy(p, &h, 2);
      break;
    }
    case npy::DType::I64: {
      int64_t x = int64_t(v);
      std::memcpy(p, &x, 8);
      break;
    }
    case npy::DType::I32: {
      int32_t x = int32_t(v);
      std::memcpy(p, &x, 4);
      break;
    }
    case npy::DType::I8:
    case npy::DType::U8:
    case npy::DType::Bool:
      *p = uint8_t(int64_t(v));
      break;
    }
  }
  return a;
}

double lp::rt::elementAsDouble(const npy::Array &a, int64_t i) {
  return elementAsDouble(a.dtype, a.data.data(), i);
}

double lp::rt::elementAsDouble(npy::DType dtype, const void *data, int64_t i) {
  const uint8_t *p =
      static_cast<const uint8_t *>(data) + i * npy::dtypeSize(dtype);
  switch (dtype) {
  case npy::DType::F32: {
    float f;
    std::memcpy(&f, p, 4);
    return f;
  }
  case npy::DType::F64: {
    double d;
    std::memcpy(&d, p, 8);
    return d;
  }
  case npy::DType::F16:
  case npy::DType::BF16: {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return dtype == npy::DType::F16 ? halfToFloat(h) : bf16ToFloat(h);
  }
  case npy::DType::I64: {
    int64_t x;
    std::memcpy(&x, p, 8);
    return double(x);
  }
  case npy::DType::I32: {
    int32_t x;
    std::memcpy(&x, p, 4);
    return x;
  }
  case npy::DType::I8:
    return int8_t(*p);
  case npy::DType::U8:
  case npy::DType::Bool:
    return *p;
  }
  return 0.0;
}

int64_t lp::rt::elementAsInt64(const npy::Array &a, int64_t i) {
  return elementAsInt64(a.dtype, a.data.data(), i);
}

int64_t lp::rt::elementAsInt64(npy::DType dtype, const void *data, int64_t i) {
  if (dtype == npy::DType::I64) {
    int64_t x;
    std::memcpy(&x, static_cast<const uint8_t *>(data) + i * 8, 8);
    return x;
  }
  return int64_t(elementAsDouble(dtype, data, i));
}

std::string lp::rt::checkIndexBound(const TensorSlot &slot, const npy::Array &a,
                                    const std::string &what) {
  return checkIndexBound(slot, a.dtype, a.data.data(), a.numElements(), what);
}

std::string lp::rt::checkIndexBound(const TensorSlot &slot, npy::DType dtype,
                                    const void *data, int64_t count,
                                    const std::string &what) {
  if (!slot.indexBound)
    return "";
  for (int64_t i = 0; i < count; ++i) {
    int64_t v = elementAsInt64(dtype, data, i);
    if (v < 0 || v >= *slot.indexBound)
      return what + ": value " + std::to_string(v) + " at flat index " +
             std::to_string(i) + " is outside [0, " +
             std::to_string(*slot.indexBound) + ")";
  }
  return "";
}
