#pragma once

namespace smppd {
// Set by CMake from project(VERSION); one place for `smppd --version` and bind logs.
const char* version() noexcept;
}  // namespace smppd
