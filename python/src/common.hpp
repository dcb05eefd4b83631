#pragma once
// Shared by every python/src/bind_<part>.cpp: hebb::Error becomes ValueError.
#include <pybind11/pybind11.h>

#include <hebb/core/error.hpp>

namespace hebb::py_common {

inline void register_errors() {
  pybind11::register_local_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const hebb::Error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
}

}  // namespace hebb::py_common
