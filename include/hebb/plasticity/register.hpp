#pragma once
// Puts every plasticity rule of this part into sim's registry. Idempotent; called
// by io before it reads a model file and by the Python package on import.
namespace hebb::plasticity {
void register_rules();
}
