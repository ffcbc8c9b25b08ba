#pragma once
// An independent check of our JWTs: PyJWT (Debian python3-jwt) under /usr/bin/python3, not
// whatever python3 comes first on PATH.

#include <optional>
#include <string>

namespace smppd::webhook::testing {

// Whether /usr/bin/python3 can import jwt; tests skip when it cannot.
bool python_jwt_available();

// The claims PyJWT finds in `token` after checking its HS256 signature under `secret`, as
// compact JSON with sorted keys; nullopt when PyJWT rejects the token.
std::optional<std::string> python_jwt_decode(const std::string& token, const std::string& secret);

}  // namespace smppd::webhook::testing
