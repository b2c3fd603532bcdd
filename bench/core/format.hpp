#pragma once

// The one number formatter for text people read (explanations, messages, reports), on libfmt, and the
// one UTC timestamp. Any thread.

#include <string>

namespace bench {

/// `v` with `digits` decimals, as printf's "%.*f" (correctly rounded): fixed(0.125, 2) == "0.12".
/// NaN reads "n/a", infinities "inf" and "-inf".
[[nodiscard]] std::string fixed(double v, int digits);

/// `v` with `digits` significant digits, as printf's "%.*g": significant(0.001234, 3) == "0.00123".
[[nodiscard]] std::string significant(double v, int digits);

/// `v` with up to 10 significant digits and no trailing zeros, as in TOML: 48000, 0.5, 1e-06.
[[nodiscard]] std::string number_text(double v);

/// The current UTC time in strftime `format`, e.g. "%Y-%m-%dT%H:%M:%SZ" (ISO 8601) or "%Y%m%dT%H%M%SZ"
/// (run directory names).
[[nodiscard]] std::string utc_now(const char* format = "%Y-%m-%dT%H:%M:%SZ");

}  // namespace bench
