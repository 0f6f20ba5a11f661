#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "base/Result.h"
#include "models/ConditionalModel.h"

namespace specres {

/// The container of SpecRes model files:
///   bytes 0–7   magic "SPECRESM"
///   bytes 8–11  format version (uint32, little-endian)
///   bytes 12–19 payload length in bytes (uint64, little-endian)
///   bytes 20–27 FNV-1a 64-bit checksum of the payload (uint64, little-endian)
///   then the payload: one JSON document encoded as CBOR (RFC 8949), doubles as float64 so
///   parameters come back bit for bit.
/// A wrong magic, a newer version, a short file or a checksum mismatch is refused with a message
/// that names the file. Writes are atomic.
constexpr std::uint32_t kModelFormatVersion = 1;

Status writeModelDocument(const std::string& path, const nlohmann::json& document);
Result<nlohmann::json> readModelDocument(const std::string& path);

/// Creates an unfitted baseline (G, GM or UGM). config holds method options ("components",
/// "restarts", "max_iterations", "tolerance", "regularisation", "seed"). The neural library's
/// createModel() covers every method.
Result<std::unique_ptr<ConditionalModel>> createBaselineModel(const std::string& method,
                                                              CovarianceType covariance,
                                                              const nlohmann::json& config = {});

using ModelFactory = Result<std::unique_ptr<ConditionalModel>> (*)(const std::string& method,
                                                                   CovarianceType covariance,
                                                                   const nlohmann::json& config);

/// A model with what it was trained on (wavelength grids, preprocessing, configuration,
/// metrics): `context` is stored beside the parameters and returned on load as it was. The model
/// is shared: a GUI shows one fitted model in several views at once.
struct StoredModel {
    std::shared_ptr<ConditionalModel> model;
    nlohmann::json context;
};

Status saveModel(const ConditionalModel& model, const std::string& path,
                 const nlohmann::json& context = nlohmann::json::object());
/// Loads a model file, creating the model through `factory`.
Result<StoredModel> loadModelWith(const std::string& path, ModelFactory factory);

}  // namespace specres
