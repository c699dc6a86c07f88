// Test helper: a throwaway certificate authority made at test time with the
// OpenSSL API (no openssl binary needed), and server certificates it signs
// for loopback names and addresses, written as PEM files into a directory.
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace trainyard::notify {

struct TestCertificate {
  std::string cert_file;  // PEM certificate
  std::string key_file;   // PEM private key
};

class TestCa {
 public:
  // Makes a self-signed CA named `name` (its subject CN; make names unique
  // per test) and writes `dir`/<name>-ca.pem. ok() is false on failure.
  TestCa(const std::string& dir, const std::string& name)
      : dir_(dir), name_(name), key_(NewKey()) {
    cert_.reset(NewCertificate("Trainyard test CA " + name, key_.get(), nullptr,
                               key_.get(), {}));
    ca_file_ = dir + "/" + name + "-ca.pem";
    ok_ = cert_ && WriteCertificate(cert_.get(), ca_file_);
  }
  bool ok() const { return ok_; }
  // The CA's certificate (what a client trusts).
  const std::string& ca_file() const { return ca_file_; }

  // A server certificate for `alt_names` ("DNS:localhost", "IP:127.0.0.1",
  // ...) signed by this CA; cert_file is empty on failure.
  TestCertificate Issue(const std::string& name,
                        const std::vector<std::string>& alt_names) {
    Key key(NewKey());
    X509Ptr cert(
        NewCertificate(name, key.get(), cert_.get(), key_.get(), alt_names));
    TestCertificate out{dir_ + "/" + name_ + "-" + name + ".pem",
                        dir_ + "/" + name_ + "-" + name + "-key.pem"};
    if (!cert || !WriteCertificate(cert.get(), out.cert_file) ||
        !WriteKey(key.get(), out.key_file)) {
      return {};
    }
    return out;
  }

 private:
  struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
  };
  struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
  };
  using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
  using X509Ptr = std::unique_ptr<X509, X509Free>;

  static EVP_PKEY* NewKey() { return EVP_EC_gen("P-256"); }

  // A v3 certificate for `key` named `cn`, signed by `issuer_key`; a CA
  // when `issuer` is null (self-signed), else a TLS server certificate.
  static X509* NewCertificate(const std::string& cn, EVP_PKEY* key,
                              X509* issuer, EVP_PKEY* issuer_key,
                              const std::vector<std::string>& alt_names) {
    if (key == nullptr || issuer_key == nullptr) return nullptr;
    X509Ptr x(X509_new());
    unsigned char serial[8];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x.get()));
    BN_free(bn);
    X509_set_version(x.get(), 2);
    X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x.get()), 7 * 86400);
    X509_set_pubkey(x.get(), key);
    X509_NAME* subject = X509_get_subject_name(x.get());
    X509_NAME_add_entry_by_txt(
        subject, "CN", MBSTRING_ASC,
        reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x.get(),
                         issuer ? X509_get_subject_name(issuer) : subject);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x.get(), x.get(), nullptr, nullptr,
                   0);
    bool ok = true;
    auto add = [&](int nid, const std::string& value) {
      X509_EXTENSION* ext =
          X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
      ok = ok && ext != nullptr && X509_add_ext(x.get(), ext, -1) == 1;
      X509_EXTENSION_free(ext);
    };
    add(NID_subject_key_identifier, "hash");
    if (issuer == nullptr) {
      add(NID_basic_constraints, "critical,CA:TRUE");
      add(NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
      add(NID_basic_constraints, "critical,CA:FALSE");
      add(NID_key_usage, "critical,digitalSignature");
      add(NID_ext_key_usage, "serverAuth");
      std::string names;
      for (const auto& n : alt_names) names += (names.empty() ? "" : ",") + n;
      if (!names.empty()) add(NID_subject_alt_name, names);
    }
    if (!ok || X509_sign(x.get(), issuer_key, EVP_sha256()) == 0) {
      return nullptr;
    }
    return x.release();
  }

  static bool WriteCertificate(X509* cert, const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return false;
    const bool ok = PEM_write_X509(f, cert) == 1;
    return std::fclose(f) == 0 && ok;
  }
  static bool WriteKey(EVP_PKEY* key, const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "w");
    if (f == nullptr) return false;
    const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr,
                                         nullptr) == 1;
    return std::fclose(f) == 0 && ok;
  }

  std::string dir_;
  std::string name_;
  Key key_;
  X509Ptr cert_;
  std::string ca_file_;
  bool ok_ = false;
};

}  // namespace trainyard::notify
