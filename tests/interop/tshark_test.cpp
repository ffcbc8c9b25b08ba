// Wireshark's SMPP dissector (tshark) reads every PDU smppd encodes: each sample goes into
// a pcap file as one TCP segment, and tshark must find no malformed packet, no expert info
// of error severity, and the fields we set.

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "pdu_json.hpp"
#include "samples.hpp"
#include "smpp/codec.hpp"
#include "support.hpp"

namespace smppd::interop {
namespace {

// Wireshark's expert severities (epan/proto.h): PI_CHAT 0x00200000, PI_NOTE 0x00400000,
// PI_WARN 0x00600000, PI_ERROR 0x00800000.
constexpr unsigned long expert_error = 0x00800000;

const std::vector<std::string> tshark_fields = {"frame.number",
                                                "_ws.malformed",
                                                "_ws.expert.severity",
                                                "_ws.expert.message",
                                                "frame.protocols",
                                                "smpp.command_length",
                                                "smpp.command_id",
                                                "smpp.command_status",
                                                "smpp.sequence_number",
                                                "smpp.system_id",
                                                "smpp.password",
                                                "smpp.system_type",
                                                "smpp.interface_version",
                                                "smpp.addr_ton",
                                                "smpp.addr_npi",
                                                "smpp.address_range",
                                                "smpp.service_type",
                                                "smpp.source_addr_ton",
                                                "smpp.source_addr_npi",
                                                "smpp.source_addr",
                                                "smpp.dest_addr_ton",
                                                "smpp.dest_addr_npi",
                                                "smpp.destination_addr",
                                                "smpp.dl_name",
                                                "smpp.esm.submit.msg_mode",
                                                "smpp.esm.submit.msg_type",
                                                "smpp.esm.submit.features",
                                                "smpp.protocol_id",
                                                "smpp.priority_flag",
                                                "smpp.regdel.receipt",
                                                "smpp.regdel.acks",
                                                "smpp.regdel.notif",
                                                "smpp.replace_if_present_flag",
                                                "smpp.data_coding",
                                                "smpp.sm_default_msg_id",
                                                "smpp.sm_length",
                                                "smpp.message",
                                                "smpp.message_text",
                                                "smpp.message_id",
                                                "smpp.message_state",
                                                "smpp.error_code",
                                                "smpp.error_status_code",
                                                "smpp.esme_addr_ton",
                                                "smpp.esme_addr_npi",
                                                "smpp.esme_addr",
                                                "smpp.opt_param_tag",
                                                "smpp.opt_param_len",
                                                "smpp.user_message_reference",
                                                "smpp.receipted_message_id",
                                                "smpp.SC_interface_version",
                                                "smpp.dest_addr_subunit",
                                                "smpp.source_port",
                                                "smpp.destination_port",
                                                "smpp.sar_msg_ref_num",
                                                "smpp.sar_total_segments",
                                                "smpp.sar_segment_seqnum",
                                                "smpp.ms_availability_status",
                                                "smpp.network_error.type",
                                                "smpp.network_error.code",
                                                "smpp.message_payload",
                                                "smpp.vendor_op",
                                                "smpp.schedule_delivery_time",
                                                "smpp.schedule_delivery_time_r",
                                                "smpp.validity_period",
                                                "smpp.validity_period_r",
                                                "smpp.final_date"};

using row = std::map<std::string, std::vector<std::string>>;

struct dissection {
  run_result run;
  std::vector<row> rows;
};

// Runs tshark once over all samples: one pcap, one row per packet.
const dissection& dissect_samples() {
  static const dissection result = [] {
    dissection d;
    std::vector<std::vector<std::uint8_t>> payloads;
    for (const sample& s : samples()) payloads.push_back(smpp::encode(s.value));
    const std::vector<std::uint8_t> pcap = make_pcap(payloads);
    const std::string file = scratch_dir() + "/samples.pcap";
    write_file(file, std::string_view(reinterpret_cast<const char*>(pcap.data()), pcap.size()));
    // data_coding 0 is GSM 03.38 unpacked (one septet per octet) in smppd, as in tshark's
    // "GSM 7-bit" with gsm7_unpacked. tshark may warn on stderr that it runs as root.
    std::string command = "tshark -n -r " + shell_quote(file) + " -d tcp.port==2775,smpp -o " +
                          shell_quote("smpp.decode_sms_over_smpp:GSM 7-bit") +
                          " -o smpp.gsm7_unpacked:TRUE -T fields -E separator=/t -E occurrence=a"
                          " -E aggregator='|' -E quote=n";
    for (const std::string& f : tshark_fields) command += " -e " + f;
    d.run = run(command, {}, std::chrono::seconds(120));
    for (const std::string& line : split(d.run.out, '\n')) {
      if (line.empty()) continue;
      const std::vector<std::string> cells = split(line, '\t');
      row r;
      for (std::size_t i = 0; i < tshark_fields.size() && i < cells.size(); ++i) {
        if (cells[i].empty()) continue;
        r[tshark_fields[i]] = split(cells[i], '|');
      }
      d.rows.push_back(std::move(r));
    }
    return d;
  }();
  return result;
}

void require_tshark() {
  ASSERT_TRUE(have_program("tshark")) << "tshark is not on PATH: run scripts/bootstrap";
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : " ") + v;
  return out;
}

// tshark prints integers in the field's base ("0x01", "52"); compare them as numbers.
bool same_number(const std::string& shown, std::uint64_t wanted) {
  try {
    return std::stoull(shown, nullptr, 0) == wanted;
  } catch (...) {
    return false;
  }
}

class checker {
 public:
  checker(const row& r, std::string name) : row_(r), name_(std::move(name)) {}

  const std::vector<std::string>* get(const std::string& field) const {
    const auto it = row_.find(field);
    return it == row_.end() ? nullptr : &it->second;
  }

  void number(const std::string& field, const std::vector<std::uint64_t>& wanted) {
    const auto* shown = get(field);
    std::string wanted_text;
    for (auto w : wanted) wanted_text += std::to_string(w) + " ";
    if (shown == nullptr || shown->size() != wanted.size()) {
      ADD_FAILURE() << name_ << ": tshark " << field << " = [" << (shown ? joined(*shown) : "")
                    << "], expected [" << wanted_text << "]";
      return;
    }
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      EXPECT_TRUE(same_number((*shown)[i], wanted[i]))
          << name_ << ": tshark " << field << "[" << i << "] = " << (*shown)[i] << ", expected "
          << wanted[i];
    }
  }

  void text(const std::string& field, const std::vector<std::string>& wanted) {
    const auto* shown = get(field);
    std::vector<std::string> expect;
    bool all_empty = true;
    for (const auto& w : wanted) {
      // tshark shows an empty service_type as "(Default)" and omits other empty strings.
      expect.push_back(w.empty() && field == "smpp.service_type" ? "(Default)" : w);
      all_empty = all_empty && expect.back().empty();
    }
    if (shown == nullptr) {
      EXPECT_TRUE(all_empty) << name_ << ": tshark shows no " << field << ", expected ["
                             << joined(expect) << "]";
      return;
    }
    std::vector<std::string> nonempty;
    for (const auto& e : expect) {
      if (!e.empty()) nonempty.push_back(e);
    }
    EXPECT_EQ(joined(*shown), joined(nonempty)) << name_ << ": tshark " << field;
  }

 private:
  const row& row_;
  std::string name_;
};

std::uint64_t u(const json& j) { return j.get<std::uint64_t>(); }

const smpp::tlv_list* tlvs_of(const smpp::pdu& p) {
  return std::visit(
      [](const auto& body) -> const smpp::tlv_list* {
        if constexpr (requires { body.tlvs; }) {
          return &body.tlvs;
        } else {
          return nullptr;
        }
      },
      p.body);
}

// Every field of the sample's wire form, checked against what tshark dissected.
void check_fields(const sample& s, const row& r) {
  const json j = to_json(s.value);
  const std::vector<std::uint8_t> bytes = smpp::encode(s.value);
  checker c(r, s.name + " " + to_hex(bytes));

  c.number("smpp.command_length", {bytes.size()});
  c.number("smpp.command_id", {u(j["command_id"])});
  c.number("smpp.sequence_number", {u(j["sequence_number"])});
  if (smpp::is_response(s.value.command_id())) {
    c.number("smpp.command_status", {u(j["command_status"])});
  }

  // Mandatory parameters, in wire order; submit_multi's lists contribute in order too.
  std::map<std::string, std::vector<std::uint64_t>> numbers;
  std::map<std::string, std::vector<std::string>> texts;
  auto take = [&](const std::string& key, const json& value) {
    static const std::set<std::string> skip = {"esm_class",
                                               "registered_delivery",
                                               "schedule_delivery_time",
                                               "validity_period",
                                               "final_date",
                                               "short_message",
                                               "tlvs",
                                               "command",
                                               "command_id",
                                               "command_status",
                                               "sequence_number"};
    if (skip.contains(key)) return;
    if (value.is_number()) numbers["smpp." + key].push_back(u(value));
    if (value.is_string()) texts["smpp." + key].push_back(value.get<std::string>());
  };
  // Times (SMPP 3.4 section 7.1): tshark shows an absolute time as a UTC date and a
  // relative one (or an empty field, "immediate") as seconds in the *_r field.
  auto take_time = [&](std::string field, const std::string& value) {
    if (value.empty()) {
      texts[field + "_r"].push_back("0.000000000");
    } else if (value.size() == 16 && value[15] == 'R') {
      auto n = [&](std::size_t at) { return std::stoull(value.substr(at, 2)); };
      // Wireshark counts a relative year as 365 days and a month as 30.
      const std::uint64_t secs =
          ((n(0) * 365 + n(2) * 30 + n(4)) * 24 + n(6)) * 3600 + n(8) * 60 + n(10);
      texts[field + "_r"].push_back(std::to_string(secs) + ".000000000");
    } else if (value.size() == 16 && value.substr(13, 2) == "00") {
      static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
      char shown[64];
      std::snprintf(shown, sizeof shown, "%s %2d, 20%s %s:%s:%s.%c00000000 UTC",
                    months[std::stoi(value.substr(2, 2)) - 1], std::stoi(value.substr(4, 2)),
                    value.substr(0, 2).c_str(), value.substr(6, 2).c_str(),
                    value.substr(8, 2).c_str(), value.substr(10, 2).c_str(), value[12]);
      texts[field].push_back(shown);
    } else {
      ADD_FAILURE() << s.name << ": no tshark rendering known for time " << value;
    }
  };
  for (const char* key : {"schedule_delivery_time", "validity_period", "final_date"}) {
    if (!j.contains(key)) continue;
    std::string field = std::string("smpp.") + key;
    // tshark 4.0 quirk: in submit_multi it shows validity_period under the
    // schedule_delivery_time field ("Scheduled delivery time: SMSC default validity period").
    if (j["command"] == "submit_multi" && field == "smpp.validity_period") {
      field = "smpp.schedule_delivery_time";
    }
    take_time(field, j[key].get<std::string>());
  }

  for (const auto& [key, value] : j.items()) {
    if (value.is_array()) {
      for (const json& item : value) {
        for (const auto& [k, v] : item.items()) take(k, v);
      }
    } else {
      take(key, value);
    }
  }
  if (j.contains("esm_class")) {
    const std::uint64_t esm = u(j["esm_class"]);
    c.number("smpp.esm.submit.msg_mode", {esm & 0x03});
    c.number("smpp.esm.submit.msg_type", {(esm >> 2) & 0x0F});
    c.number("smpp.esm.submit.features", {(esm >> 6) & 0x03});
  }
  if (j.contains("registered_delivery")) {
    const std::uint64_t rd = u(j["registered_delivery"]);
    c.number("smpp.regdel.receipt", {rd & 0x03});
    c.number("smpp.regdel.acks", {(rd >> 2) & 0x03});
    c.number("smpp.regdel.notif", {(rd >> 4) & 0x01});
  }
  if (j.contains("short_message")) {
    const std::string hex = j["short_message"]["hex"];
    numbers["smpp.sm_length"].push_back(hex.size() / 2);
    if (!hex.empty()) texts["smpp.message"].push_back(hex);
  }

  // TLVs: every tag and length in order, then the value where tshark has a field for it.
  if (j.contains("tlvs")) {
    std::vector<std::uint64_t> tags;
    std::vector<std::uint64_t> lengths;
    for (smpp::tlv_view t : *tlvs_of(s.value)) {
      tags.push_back(static_cast<std::uint16_t>(t.tag));
      lengths.push_back(t.value.size());
    }
    c.number("smpp.opt_param_tag", tags);
    c.number("smpp.opt_param_len", lengths);
    for (const auto& [key, value] : j["tlvs"].items()) {
      static const std::map<std::string, std::string> field_of = {
          {"user_message_reference", "smpp.user_message_reference"},
          {"receipted_message_id", "smpp.receipted_message_id"},
          {"message_state", "smpp.message_state"},
          {"sc_interface_version", "smpp.SC_interface_version"},
          {"dest_addr_subunit", "smpp.dest_addr_subunit"},
          {"source_port", "smpp.source_port"},
          {"destination_port", "smpp.destination_port"},
          {"sar_msg_ref_num", "smpp.sar_msg_ref_num"},
          {"sar_total_segments", "smpp.sar_total_segments"},
          {"sar_segment_seqnum", "smpp.sar_segment_seqnum"},
          {"ms_availability_status", "smpp.ms_availability_status"},
          {"message_payload", "smpp.message_payload"},
          {"0x2900", "smpp.vendor_op"}};
      if (key == "network_error_code") {
        const std::vector<std::uint8_t> v = from_hex(value["hex"].get<std::string>());
        ASSERT_EQ(v.size(), 3u);
        c.number("smpp.network_error.type", {v[0]});
        c.number("smpp.network_error.code", {static_cast<std::uint64_t>(v[1] << 8 | v[2])});
        continue;
      }
      const auto f = field_of.find(key);
      ASSERT_NE(f, field_of.end()) << s.name << ": no tshark field known for TLV " << key;
      if (value.is_number())
        numbers[f->second].push_back(u(value));
      else if (value.is_string())
        texts[f->second].push_back(value.get<std::string>());
      else
        texts[f->second].push_back(value["hex"].get<std::string>());
    }
  }
  for (const auto& [field, values] : numbers) c.number(field, values);
  for (const auto& [field, values] : texts) c.text(field, values);

  // The text, as tshark decodes it from data_coding (0 GSM 7-bit, 3 Latin-1, 8 UCS-2).
  if (!s.text.empty()) c.text("smpp.message_text", {s.text});
}

TEST(smppd_to_tshark, the_samples_cover_every_smpp_3_4_command) {
  std::set<std::uint32_t> covered;
  for (const sample& s : samples())
    covered.insert(static_cast<std::uint32_t>(s.value.command_id()));
  std::vector<std::string> missing;
  for (std::uint32_t base : {0x00u, 0x80000000u}) {
    for (std::uint32_t low = 0; low <= 0x103; ++low) {
      const auto id = static_cast<smpp::command_id>(base | low);
      if (smpp::is_known(id) && !covered.contains(base | low)) {
        missing.push_back(std::string(smpp::name(id)));
      }
    }
  }
  EXPECT_TRUE(missing.empty()) << "no sample for: " << joined(missing);
  EXPECT_EQ(covered.size(), 27u);
}

TEST(smppd_to_tshark, dissects_every_pdu_smppd_encodes_without_malformed_or_error_expert_info) {
  ASSERT_NO_FATAL_FAILURE(require_tshark());
  const dissection& d = dissect_samples();
  ASSERT_EQ(d.run.exit_code, 0) << "tshark failed:\n" << d.run.err;
  ASSERT_EQ(d.rows.size(), samples().size()) << d.run.out;
  for (std::size_t i = 0; i < d.rows.size(); ++i) {
    const sample& s = samples()[i];
    const row& r = d.rows[i];
    const std::string where = s.name + " " + to_hex(smpp::encode(s.value));
    const auto protocols = r.find("frame.protocols");
    EXPECT_TRUE(protocols != r.end() &&
                joined(protocols->second).find(":smpp") != std::string::npos)
        << where << ": tshark did not dissect it as SMPP";
    EXPECT_FALSE(r.contains("_ws.malformed")) << where << ": tshark says malformed";
    if (const auto it = r.find("_ws.expert.severity"); it != r.end()) {
      for (const std::string& severity : it->second) {
        EXPECT_LT(std::stoul(severity, nullptr, 0), expert_error)
            << where << ": tshark expert info "
            << joined(r.contains("_ws.expert.message") ? r.at("_ws.expert.message")
                                                       : std::vector<std::string>{});
      }
    }
  }
}

TEST(smppd_to_tshark, dissects_every_field_smppd_encodes_as_we_set_it) {
  ASSERT_NO_FATAL_FAILURE(require_tshark());
  const dissection& d = dissect_samples();
  ASSERT_EQ(d.run.exit_code, 0) << "tshark failed:\n" << d.run.err;
  ASSERT_EQ(d.rows.size(), samples().size()) << d.run.out;
  for (std::size_t i = 0; i < d.rows.size(); ++i) check_fields(samples()[i], d.rows[i]);
}

}  // namespace
}  // namespace smppd::interop
