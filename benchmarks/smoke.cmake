# ctest benchmark_smoke: cmake -DPROGRAMS="a;b;..." -P smoke.cmake
# Runs each Google Benchmark program once with a tiny minimum time (Google Benchmark 1.7 takes plain
# seconds) and fails if any of them fails.
if(NOT PROGRAMS)
  message(FATAL_ERROR "smoke.cmake: pass -DPROGRAMS=<benchmark programs>")
endif()
foreach(program IN LISTS PROGRAMS)
  message(STATUS "running ${program}")
  execute_process(COMMAND ${program} --benchmark_min_time=0.01 RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${program} failed: ${rc}")
  endif()
endforeach()
