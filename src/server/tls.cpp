#include "server/tls.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "config/config.hpp"

namespace smppd::server {
namespace {

struct key_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct cert_deleter {
  void operator()(X509* c) const { X509_free(c); }
};
struct file_closer {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

[[noreturn]] void fail(const std::filesystem::path& file, const char* what) {
  throw config::config_error("smpp.tls: " + file.string() + ": " + what);
}

std::unique_ptr<std::FILE, file_closer> open_for_writing(const std::filesystem::path& file,
                                                         mode_t mode) {
  const mode_t old = ::umask(0777 & ~mode);
  std::unique_ptr<std::FILE, file_closer> f(std::fopen(file.c_str(), "w"));
  ::umask(old);
  if (!f) fail(file, "cannot write");
  return f;
}

}  // namespace

tls_files ensure_self_signed(const std::filesystem::path& data_dir) {
  const auto dir = data_dir / "tls";
  tls_files files{dir / "cert.pem", dir / "key.pem"};
  if (std::filesystem::exists(files.certificate) && std::filesystem::exists(files.private_key)) {
    return files;
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) fail(dir, "cannot create the folder");

  std::unique_ptr<EVP_PKEY, key_deleter> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, cert_deleter> cert(X509_new());
  if (!key || !cert) fail(files.certificate, "cannot generate a key");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("smppd"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) fail(files.certificate, "cannot sign");

  // The key first and private to the owner; the pair counts as present only when both are.
  auto key_file = open_for_writing(files.private_key, 0600);
  if (PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    fail(files.private_key, "cannot write");
  }
  auto cert_file = open_for_writing(files.certificate, 0644);
  if (PEM_write_X509(cert_file.get(), cert.get()) != 1) fail(files.certificate, "cannot write");
  return files;
}

asio::ssl::context make_tls_context(const tls_files& files) {
  asio::ssl::context context(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION);
  context.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::single_dh_use);
  std::error_code ec;
  context.use_certificate_chain_file(files.certificate.string(), ec);
  if (ec) fail(files.certificate, "unreadable certificate");
  context.use_private_key_file(files.private_key.string(), asio::ssl::context::pem, ec);
  if (ec) fail(files.private_key, "unreadable private key");
  return context;
}

}  // namespace smppd::server
