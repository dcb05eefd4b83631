// Plots and the published-system experiments run in Python (matplotlib draws the
// PNGs; STYLE.md: plots live in Python). The CLI starts Debian's interpreter on the
// built package rather than linking Python into the engine.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include <hebb/core/error.hpp>

#include "commands.hpp"

namespace hebb::cli {

int run_python(const std::vector<std::string>& args) {
  std::string path = HEBB_PYTHON_DIR;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  setenv("PYTHONPATH", path.c_str(), 1);
  setenv("HEBB_SOURCE_DIR", HEBB_SOURCE_DIR, 0);
  setenv("MPLBACKEND", "Agg", 0);
  std::vector<char*> argv;
  std::string exe = HEBB_PYTHON_EXE;
  argv.push_back(exe.data());
  std::vector<std::string> copy = args;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw Error("cannot start {}: fork failed", exe);
  if (pid == 0) {
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFEXITED(status)) {
    if (WEXITSTATUS(status) == 127) throw Error("cannot run {}", exe);
    return WEXITSTATUS(status);
  }
  return 1;
}

}  // namespace hebb::cli
