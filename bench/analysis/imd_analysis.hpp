#pragma once

// Intermodulation distortion of a twin tone (dsp/imd.hpp has the standards, their tones and products).

#include <optional>
#include <string>
#include <vector>

#include "bench/dsp/imd.hpp"
#include "bench/dsp/types.hpp"

namespace bench::analysis {

struct ImdAnalysisOptions {
  dsp::ImdStandard standard = dsp::ImdStandard::kSmpte;
  std::optional<double> f1_hz, f2_hz;  ///< the tones as played; none: the standard's
};

/// One product as read: amplitude relative to the standard's reference (SMPTE: the f2 tone; CCIF: the sum
/// of both tones' amplitudes).
struct ImdProduct {
  std::string name;  ///< "f2-1f1", "f2+1f1", ..., or "f2-f1", "2f1-f2", "2f2-f1"
  int order = 2;
  double frequency_hz = 0;
  double level_dbfs = 0;   ///< peak level (AES17 dBFS)
  double relative_db = 0;  ///< 20*log10(a_product / reference)
};

struct ImdResult {
  dsp::ImdStandard standard = dsp::ImdStandard::kSmpte;
  double f1_hz = 0, f2_hz = 0;      ///< as found in the record (power centroid of each tone's lobe)
  double f1_dbfs = 0, f2_dbfs = 0;  ///< each tone's peak level
  double ratio = 0;                 ///< a1 / a2 as found
  double reference_dbfs = 0;        ///< what relative_db is relative to, as a peak level
  double imd_db = 0;                ///< SMPTE: RSS of the sidebands / a2; CCIF: RSS of dfd2 and dfd3
  double imd_percent = 0;
  std::optional<double> dfd2_db, dfd3_db;  ///< CCIF only (IEC 60268-3 difference-frequency distortion)
  double record_s = 0;                     ///< the length analysed
  std::vector<ImdProduct> products;
};

/// Reads the tones and products of `standard` from a steady twin tone under the 7-term Blackman-Harris
/// window: each tone's frequency is its lobe's power centroid in the record's power spectrum, the products
/// are placed from those (so a clock offset between player and recorder moves them together), and every
/// line's amplitude is the windowed DFT at exactly its frequency. Products below the noise read the noise in
/// the window's noise bandwidth (2.6 bins): the result is then an upper bound, as with any analyser.
/// Throws bench::InputError for tones that do not fit the rate (dsp::validate_imd_tones) and
/// bench::MeasurementError for a record shorter than dsp::imd_min_record_s or a tone that is not there
/// (its lobe less than 30 dB above the noise in a lobe's width, from the median bin), naming the tone and
/// level.
[[nodiscard]] ImdResult analyze_imd(const Eigen::Ref<const dsp::Signal>& x, double sample_rate_hz,
                                    const ImdAnalysisOptions& options);

}  // namespace bench::analysis
