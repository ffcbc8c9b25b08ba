#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace smppd::http {

// The dashboard (src/http/dashboard/), compiled in by cmake/embed_files.cmake: served by
// smppd itself, so a browser needs nothing but this process.
struct dashboard_file {
  std::string_view body;
  std::string_view content_type;
};

// The file a GET of `path` serves: "/" is index.html, "/dashboard/NAME" the file NAME.
std::optional<dashboard_file> find_dashboard_file(std::string_view path);

// The generated table (dashboard_embedded.cpp in the build tree).
struct embedded_file {
  std::string_view name;
  std::string_view bytes;
};
extern const embedded_file embedded_dashboard[];
extern const std::size_t embedded_dashboard_count;

}  // namespace smppd::http
