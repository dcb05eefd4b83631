#pragma once
// hebb::Error: the one exception library code throws on bad input. Its message says
// what was wrong, where (file, line, key) and what is allowed. Library code never
// exits or aborts; the CLI turns an Error into one line and exit code 2, Python into
// ValueError.
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace hebb {

class Error : public std::runtime_error {
public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
  template <class... A>
  explicit Error(fmt::format_string<A...> f, A&&... a)
      : std::runtime_error(fmt::format(f, std::forward<A>(a)...)) {}
};

// The candidate nearest to `name` by edit distance (empty if there are none).
std::string closest_name(std::string_view name, std::span<const std::string> candidates);

// "unknown <what> 'name'; did you mean 'x'? (valid: a, b, c)"
[[noreturn]] void throw_unknown(std::string_view what, std::string_view name,
                                std::span<const std::string> candidates);

// Throws Error("<where> = <value>: must be <rule>") unless ok.
inline void require(bool ok, std::string_view where, double value, std::string_view rule) {
  if (!ok) throw Error("{} = {}: must be {}", where, value, rule);
}

}  // namespace hebb
