#include "http/dashboard_files.hpp"

namespace smppd::http {
namespace {

std::string_view content_type_of(std::string_view name) {
  if (name.ends_with(".html")) return "text/html; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  return "application/octet-stream";
}

}  // namespace

std::optional<dashboard_file> find_dashboard_file(std::string_view path) {
  constexpr std::string_view prefix = "/dashboard/";
  std::string_view name;
  if (path == "/")
    name = "index.html";
  else if (path.starts_with(prefix))
    name = path.substr(prefix.size());
  else
    return std::nullopt;
  for (std::size_t i = 0; i < embedded_dashboard_count; ++i) {
    if (embedded_dashboard[i].name == name)
      return dashboard_file{embedded_dashboard[i].bytes, content_type_of(name)};
  }
  return std::nullopt;
}

}  // namespace smppd::http
