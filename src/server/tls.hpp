#pragma once
// The TLS side of the SMPP listener: TLS 1.2 or newer, with the configured certificate or,
// when none is configured, a self-signed one generated once into DATA_DIR/tls/.

#include <asio/ssl/context.hpp>
#include <filesystem>

namespace smppd::server {

struct tls_files {
  std::filesystem::path certificate;  // PEM
  std::filesystem::path private_key;  // PEM
};

// Creates DATA_DIR/tls/{cert,key}.pem (EC P-256, CN=smppd, 10 years) unless both exist.
tls_files ensure_self_signed(const std::filesystem::path& data_dir);

// Throws config::config_error naming the file when a certificate or key cannot be used.
asio::ssl::context make_tls_context(const tls_files& files);

}  // namespace smppd::server
