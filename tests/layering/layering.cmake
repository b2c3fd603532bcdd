# ctest -R build.layering: the session layer can include what it links (the record) and cannot include a
# higher layer's header (the reports). Run with -DBUILD_DIR=<binary dir>.
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target layer_ok_probe RESULT_VARIABLE ok OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT ok EQUAL 0)
  message(FATAL_ERROR "the session could not include the record header it links:\n${out}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target layer_violation_probe RESULT_VARIABLE bad OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(bad EQUAL 0)
  message(FATAL_ERROR "the session included bench/report/outputs.hpp: a lower layer sees a higher layer's header")
endif()
if(NOT out MATCHES "bench/report/outputs.hpp: No such file or directory")
  message(FATAL_ERROR "the layering probe failed for another reason than the missing header:\n${out}")
endif()
message(STATUS "bench_session cannot include bench/report/outputs.hpp, and can include bench/record/record.hpp")
