// smppd send: one message from the command line, as an ESME; prints the message id(s) and,
// with --wait-receipt, the parsed receipt(s).
#include <algorithm>
#include <asio.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "cli/client_target.hpp"
#include "cli/command.hpp"
#include "client/message.hpp"
#include "client/session.hpp"
#include "config/config.hpp"
#include "dlr/receipt.hpp"
#include "smpp/command_status.hpp"

namespace smppd::cli {

// "ESME_RINVDSTADR (Invalid destination address)" for a status, else the error's message.
std::string describe(std::error_code ec) {
  if (ec.category() == smpp::smpp_category()) {
    const auto status = static_cast<smpp::command_status>(ec.value());
    return smpp::to_string(status) + " (" + smpp::message(status) + ")";
  }
  return ec.message();
}

namespace {

struct send_options {
  client_target_options target;
  std::string to;
  std::string text;
  std::string from = "smppd";
  bool wait_receipt = false;
  double timeout_s = 30;
  std::string long_mode = "concat";
  std::optional<std::uint16_t> reference;
};

struct send_outcome {
  int status = exit_ok;
};

std::string receipt_line(const dlr::receipt& r) {
  std::string line = "receipt id:" + r.id + " stat:" + std::string(dlr::to_string(r.stat));
  char err[16];
  std::snprintf(err, sizeof err, "%03u", r.err);
  line += " err:";
  line += err;
  if (r.submit_date) line += " submit:" + dlr::format_date(*r.submit_date);
  if (r.done_date) line += " done:" + dlr::format_date(*r.done_date);
  if (!r.text.empty()) line += " text:" + r.text;
  return line;
}

// The receipt a deliver_sm carries, from its text or (lacking one) its TLVs.
std::optional<dlr::receipt> receipt_of(const smpp::pdu& p) {
  const auto* d = p.get_if<smpp::deliver_sm>();
  if (d == nullptr || (d->esm_class & 0x3C) != 0x04) return std::nullopt;
  std::string_view text = d->short_message.view();
  if (text.empty()) {
    if (auto payload = d->tlvs.find(smpp::tlv_tag::message_payload)) {
      text = {reinterpret_cast<const char*>(payload->value.data()), payload->value.size()};
    }
  }
  auto r = dlr::parse(text);
  const auto tlv_id = d->tlvs.get_string(smpp::tlv_tag::receipted_message_id);
  if (!r && tlv_id) {
    r = dlr::receipt{};
    r->id = std::string(*tlv_id);
    const auto state = d->tlvs.get_u8(smpp::tlv_tag::message_state);
    r->stat = state ? dlr::from_message_state(*state).value_or(dlr::receipt_status::unknown)
                    : dlr::receipt_status::unknown;
  } else if (r && tlv_id) {
    r->id = std::string(*tlv_id);  // the TLV is authoritative when both are present
  }
  return r;
}

asio::awaitable<void> run_send(send_options o, std::vector<client::endpoint> targets,
                               std::shared_ptr<send_outcome> outcome) {
  using namespace std::chrono;
  const auto timeout = duration_cast<milliseconds>(duration<double>(o.timeout_s));
  auto executor = co_await asio::this_coro::executor;

  client::message_spec spec;
  spec.from = o.from;
  spec.to = o.to;
  spec.text = o.text;
  spec.registered_delivery = o.wait_receipt ? 1 : 0;
  spec.long_mode =
      o.long_mode == "payload" ? client::long_text::payload : client::long_text::concat;
  spec.concat_reference = static_cast<std::uint16_t>(std::random_device{}());
  spec.user_message_reference = o.reference;
  auto submits = client::build_submits(spec);
  if (!submits) {
    outcome->status =
        fail(exit_bad_usage, "cannot encode the message: " + submits.error().message());
    co_return;
  }

  auto options = make_session_options(o.target);
  options.bind = o.wait_receipt ? client::bind_type::transceiver : client::bind_type::transmitter;
  options.connect_timeout = std::min(timeout, milliseconds(10'000));
  options.response_timeout = timeout;
  std::shared_ptr<client::session> session;
  std::string errors;
  for (const auto& target : targets) {
    options.server = target;
    auto s = client::session::create(executor, options);
    const auto ec = co_await s->open();
    if (!ec) {
      session = s;
      break;
    }
    if (!errors.empty()) errors += "; ";
    if (ec.category() == smpp::smpp_category()) {
      errors += "bind to " + client::to_string(target) + " rejected: " + describe(ec);
    } else {
      errors += "cannot connect to " + client::to_string(target) + ": " + describe(ec);
    }
  }
  if (!session) {
    outcome->status = fail(exit_failed, errors);
    co_return;
  }

  std::set<std::string> awaiting;
  for (auto& sm : *submits) {
    auto id = co_await session->submit(std::move(sm));
    if (!id) {
      outcome->status = fail(exit_failed, "submit_sm rejected: " + describe(id.error()));
      co_await session->unbind();
      co_return;
    }
    std::printf("%s\n", id->c_str());
    awaiting.insert(*id);
  }
  std::fflush(stdout);

  if (o.wait_receipt) {
    const auto deadline = steady_clock::now() + timeout;
    while (!awaiting.empty()) {
      const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
      if (left.count() <= 0) break;
      auto p = co_await session->receive_deliver(left);
      if (!p) break;
      if (auto r = receipt_of(*p); r && awaiting.count(r->id) != 0) {
        std::printf("%s\n", receipt_line(*r).c_str());
        std::fflush(stdout);
        if (dlr::is_final(r->stat)) awaiting.erase(r->id);
      }
    }
    if (!awaiting.empty()) {
      outcome->status =
          fail(exit_failed, "no receipt within " + std::to_string(timeout.count() / 1000) +
                                " s for " + std::to_string(awaiting.size()) + " message(s)");
    }
  }
  co_await session->unbind();
}

int run(const command_context& context, const send_options& o, bool config_named) {
  if (o.to.empty()) return fail(exit_bad_usage, "--to is required");
  if (o.long_mode != "payload" && o.long_mode != "concat") {
    return fail(exit_bad_usage, "--long must be payload or concat");
  }
  if (o.timeout_s <= 0) return fail(exit_bad_usage, "--timeout must be positive");
  const auto targets = resolve_targets(context, o.target, config_named);
  asio::io_context io;
  auto outcome = std::make_shared<send_outcome>();
  asio::co_spawn(io, run_send(o, targets, outcome), [](const std::exception_ptr& e) {
    if (e) std::rethrow_exception(e);
  });
  io.run();
  return outcome->status;
}

}  // namespace

void register_send_command(CLI::App& app, command_context& context, command_runner& runner) {
  auto* cmd = app.add_subcommand("send", "send one message as an SMPP client");
  add_config_option(*cmd, context);
  auto o = std::make_shared<send_options>();
  cmd->add_option("--to", o->to, "destination MSISDN (digits, optional +)")->required();
  cmd->add_option("--text", o->text, "message text (UTF-8; GSM-7 when it fits, else UCS-2)")
      ->required();
  cmd->add_option("--from", o->from, "sender: digits, or up to 11 alphanumeric characters")
      ->capture_default_str();
  cmd->add_flag("--wait-receipt", o->wait_receipt, "ask for a receipt and wait for it");
  cmd->add_option("--timeout", o->timeout_s, "seconds to wait for each response and the receipts")
      ->capture_default_str();
  cmd->add_option("--long", o->long_mode,
                  "long texts: payload (message_payload TLV) or concat (UDH parts)")
      ->capture_default_str();
  cmd->add_option("--reference", o->reference, "user_message_reference (0-65535)");
  add_client_target_options(*cmd, o->target);
  cmd->callback([&context, &runner, o, cmd] {
    const bool named = cmd->get_option("--config")->count() > 0;
    runner = [&context, o, named] { return run(context, *o, named); };
  });
}

}  // namespace smppd::cli
