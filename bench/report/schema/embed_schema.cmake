# Writes OUTPUT: a C++ source holding INPUT (the report schema) as one raw string literal, so the schema the
# program validates with is the shipped file itself. Run by bench/report/CMakeLists.txt whenever INPUT changes.
file(READ "${INPUT}" schema)
string(FIND "${schema}" ")schema\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )schema\" and cannot be embedded")
endif()
file(WRITE "${OUTPUT}"
     "// Generated from bench/report/schema/bench.report.schema.json by embed_schema.cmake: do not edit.\n"
     "#include \"bench/report/schema.hpp\"\n\n"
     "namespace bench::report {\n\n"
     "std::string_view schema_text() {\n"
     "  static constexpr std::string_view kText = R\"schema(${schema})schema\";\n"
     "  return kText;\n"
     "}\n\n"
     "}  // namespace bench::report\n")
