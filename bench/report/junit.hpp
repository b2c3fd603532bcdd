#pragma once

#include <filesystem>
#include <string>

#include "bench/record/record.hpp"

namespace bench::report {

/// The machine report of a run for CI tools, from its record alone, in the common Jenkins/Surefire JUnit
/// subset (tests/report/junit.xsd): `<testsuites>` (name = plan id) with one `<testsuite>` per cable
/// configuration (name = fixture id) and one `<testcase>` per check (name = the check name plus
/// "[channel, load, level]" where they apply; classname = plan id + "." + fixture id). A failed check
/// carries `<failure message="explanation">`, an errored one `<error message=...>`; every entry of a
/// configuration's `errors` is an extra `<testcase name="bench error">` and every step that could not
/// measure an extra `<testcase name="step <id>">`, each with an `<error>`; a run that stopped early adds a
/// testsuite "run" holding that error. Checks recorded without a limit ("info") pass and say so in
/// `<system-out>`. tests/failures/errors are counted on every testsuite and on the root. [any thread]
[[nodiscard]] std::string junit_xml(const record::RunRecord& run);

/// Writes `dir/junit.xml` atomically. Throws bench::InputError naming the file when it cannot.
void write_junit(const std::filesystem::path& dir, const record::RunRecord& run);

}  // namespace bench::report
