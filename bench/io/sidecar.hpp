#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "bench/signal/sweep.hpp"
#include "bench/signal/tone.hpp"

namespace bench::io {

/// Path of the JSON sidecar that describes a stimulus WAV: "<wav>.json".
[[nodiscard]] std::filesystem::path sidecar_path(const std::filesystem::path& wav);

/// Sidecar documents ("schema": "bench.stimulus/1") with every parameter needed to re-create the stimulus.
[[nodiscard]] nlohmann::json sweep_sidecar(const stimulus::SweepSpec& spec, int channels);
[[nodiscard]] nlohmann::json tone_sidecar(const stimulus::ToneSpec& spec, int channels);
[[nodiscard]] nlohmann::json twin_tone_sidecar(const stimulus::TwinToneSpec& spec, int channels);

/// Writes a JSON document as write_text_atomic does (atomic_file.hpp). Throws as io::throw_write_error
/// says.
void write_json(const std::filesystem::path& path, const nlohmann::json& doc, bool durable = false);

/// Reads a sweep sidecar if the file exists; throws bench::InputError naming the file and key when it is
/// malformed or not a sweep.
[[nodiscard]] std::optional<stimulus::SweepSpec> read_sweep_sidecar(const std::filesystem::path& path);

}  // namespace bench::io
