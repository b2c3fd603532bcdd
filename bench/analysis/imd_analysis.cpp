#include "bench/analysis/imd_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <memory>
#include <tuple>
#include <vector>

#include "bench/analysis/power_spectrum.hpp"
#include "bench/core/error.hpp"
#include "bench/core/format.hpp"
#include "bench/dsp/window.hpp"

namespace bench::analysis {
namespace {

// A tone's frequency: the power centroid of its main lobe, found twice (the second time around the first
// estimate), so a tone off its nominal bin by a clock offset is still read whole.
double centroid_hz(const PowerSpectrum& s, double nominal_hz) {
  double f = nominal_hz;
  const dsp::Signal& p = s.bins();
  for (int pass = 0; pass < 2; ++pass) {
    const double centre = f / s.bin_hz();
    const auto first = std::max<Eigen::Index>(
        0, static_cast<Eigen::Index>(std::ceil(centre - PowerSpectrum::tone_half_width_bins())));
    const auto last = std::min<Eigen::Index>(
        p.size() - 1, static_cast<Eigen::Index>(std::floor(centre + PowerSpectrum::tone_half_width_bins())));
    double sum = 0, moment = 0;
    for (Eigen::Index k = first; k <= last; ++k) sum += p[k], moment += p[k] * static_cast<double>(k);
    if (!(sum > 0)) return nominal_hz;
    f = moment / sum * s.bin_hz();
  }
  return f;
}

// A peak level for a message: "-87.3 dBFS", or "below -200 dBFS" for the rounding noise of digital silence.
std::string level_text(double amplitude) {
  const double db = dsp::amplitude_db(amplitude);
  return db < -200 ? std::string("below -200 dBFS") : fixed(db, 1) + " dBFS";
}

}  // namespace

ImdResult analyze_imd(const Eigen::Ref<const dsp::Signal>& x, double fs, const ImdAnalysisOptions& o) {
  const dsp::ImdTones d = dsp::imd_defaults(o.standard);
  const dsp::ImdTones asked{o.f1_hz.value_or(d.f1_hz), o.f2_hz.value_or(d.f2_hz), d.ratio};
  dsp::validate_imd_tones(o.standard, asked, fs);
  const std::string name(dsp::to_string(o.standard));
  const double record_s = static_cast<double>(x.size()) / fs;
  const double shortest = dsp::imd_min_record_s(o.standard, asked.f1_hz, asked.f2_hz);
  if (record_s < shortest)
    throw MeasurementError(fixed(record_s, 3) + " s of twin tone is too short for " + name + " at " +
                           number_text(asked.f1_hz) + " Hz and " + number_text(asked.f2_hz) +
                           " Hz: it needs " + fixed(shortest, 3) +
                           " s to resolve the products; play a longer twin tone");
  const PowerSpectrum s(x, fs);
  ImdResult r;
  r.standard = o.standard;
  r.record_s = record_s;
  r.f1_hz = centroid_hz(s, asked.f1_hz);
  r.f2_hz = centroid_hz(s, asked.f2_hz);
  const LineReader lines(x, fs);
  // Both tones and every product in one pass over the record.
  const std::vector<dsp::ImdProductFrequency> wanted =
      dsp::imd_product_frequencies(o.standard, r.f1_hz, r.f2_hz);
  std::vector<double> frequencies = {r.f1_hz, r.f2_hz};
  for (const auto& p : wanted) frequencies.push_back(p.frequency_hz);
  const std::vector<double> amplitudes = lines.amplitudes(frequencies);
  const double a1 = amplitudes[0], a2 = amplitudes[1];
  // A tone is there when its lobe stands 30 dB above the noise in a lobe's width: the median bin (the lines
  // are a few dozen bins of thousands) times the lobe's bins.
  std::vector<double> bins(s.bins().begin(), s.bins().end());
  std::nth_element(bins.begin(), bins.begin() + static_cast<std::ptrdiff_t>(bins.size() / 2), bins.end());
  const double floor = std::sqrt(2 * bins[bins.size() / 2] * (2 * PowerSpectrum::tone_half_width_bins() + 1));
  // Judged on the lobe sums, in the floor's units (the spectrum's own rounding, not the DFT's).
  for (const auto& [label, nominal, f] :
       {std::tuple{"f1", asked.f1_hz, r.f1_hz}, std::tuple{"f2", asked.f2_hz, r.f2_hz}}) {
    const double a = std::sqrt(2 * s.tone_power(f));
    if (!(a > floor * dsp::db_to_amplitude(30)))
      throw MeasurementError("no " + name + " " + label + " tone at " + number_text(nominal) +
                             " Hz in the record (" + level_text(a) + " there, the noise in its band " +
                             level_text(floor) + "): play the " + name +
                             " twin tone, or give --f1/--f2 as played");
  }
  r.f1_dbfs = dsp::amplitude_db(a1), r.f2_dbfs = dsp::amplitude_db(a2);
  r.ratio = a1 / a2;
  const double reference = o.standard == dsp::ImdStandard::kSmpte ? a2 : a1 + a2;
  r.reference_dbfs = dsp::amplitude_db(reference);
  double sum_sq = 0, second = 0, third = 0;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto& p = wanted[i];
    const double a = amplitudes[i + 2];
    r.products.push_back(
        {p.name, p.order, p.frequency_hz, dsp::amplitude_db(a), dsp::amplitude_db(a / reference)});
    sum_sq += a * a;
    (p.order == 2 ? second : third) += a;
  }
  double imd = std::sqrt(sum_sq) / reference;
  if (o.standard == dsp::ImdStandard::kCcif) {
    const double dfd2 = second / reference, dfd3 = third / reference;
    r.dfd2_db = dsp::amplitude_db(dfd2), r.dfd3_db = dsp::amplitude_db(dfd3);
    imd = std::hypot(dfd2, dfd3);
  }
  r.imd_db = dsp::amplitude_db(imd);
  r.imd_percent = 100 * imd;
  return r;
}

}  // namespace bench::analysis
