#include "bench/cli/app.hpp"

int main(int argc, char** argv) {
  return bench::cli::run(argc, argv);
}
