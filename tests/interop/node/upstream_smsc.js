// node-smpp (npm smpp 0.5.1) as an independent upstream SMSC for smppd's carrier side, on
// its server API (smpp.createServer). Prints {"port": N} first, once listening on
// 127.0.0.1 (port 0), then one JSON line per event; it never decides pass or fail:
// tests/interop/carrier_node_test.cpp asserts what it printed.
//
//   node upstream_smsc.js
//
// Binds (any bind type) with system_id "gw" / password "secret"; anything else gets
// ESME_RINVPASWD and the socket closed. Answers enquire_link and unbind. Each submit_sm is
// printed ({"submit": ...}, with its short_message, validity_period and TLVs as on the wire)
// and answered with a HEX message id in upper case (A0001, A0002, ...); its receipt carries
// the same number in DECIMAL with leading zeros (0000655361), with the Appendix B fields
// reordered and in mixed case. By destination prefix:
//   4591  the receipt first, the submit_sm_resp 300 ms later
//   4599  stat:UNDELIV err:001
//   4598  submit_sm_resp ESME_RINVDSTADR (bodyless), no receipt
//   4597  receipted_message_id (decimal), message_state 5 (UNDELIV) and network_error_code
//         TLVs, with a text that says stat:DELIVRD err:000: the TLVs must win
//   else  stat:DELIVRD err:000
// A submit_sm to 4590000000 is also a trigger: three MOs follow its receipt, a GSM text
// (4670000001 -> 4512345), a concatenated UCS-2 message in two parts (4670000002 ->
// 4512345, UDH 05 00 03 02 02 0n) and one to 4400000000, which no mo_route takes.
// Receipts and MOs go to the session that submitted when it can receive, else to another
// receiver or transceiver of the same system_id. Every deliver_sm sent is printed with its
// octets ({"receipt_sent"|"mo_sent": ...}) and every deliver_sm_resp with its status.
// SIGTERM ends it (exit 0); it gives up by itself after 120 s (exit 3).
'use strict';

const smpp = require('smpp');

const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const hex = (b) => Buffer.from(b).toString('hex');
const pad = (n, w) => String(n).padStart(w, '0');

// node-smpp decodes short_message into text and time fields into Date objects, and keeps
// TLVs outside its table under their numeric tag: keep each PDU's octets too, to report
// what smppd put on the wire.
const fromBuffer = smpp.PDU.prototype.fromBuffer;
smpp.PDU.prototype.fromBuffer = function (buffer) {
  Object.defineProperty(this, 'wire', {value: Buffer.from(buffer), enumerable: false});
  return fromBuffer.call(this, buffer);
};

// submit_sm's short_message, validity_period and TLVs, read from its octets.
function wire_fields(buffer) {
  let at = 16;
  const cstring = () => {
    const end = buffer.indexOf(0, at);
    const s = buffer.toString('latin1', at, end);
    at = end + 1;
    return s;
  };
  cstring();  // service_type
  at += 2;    // source_addr_ton, source_addr_npi
  cstring();  // source_addr
  at += 2;    // dest_addr_ton, dest_addr_npi
  cstring();  // destination_addr
  at += 3;    // esm_class, protocol_id, priority_flag
  const schedule_delivery_time = cstring();
  const validity_period = cstring();
  at += 4;    // registered_delivery, replace_if_present_flag, data_coding, sm_default_msg_id
  const sm_length = buffer[at++];
  const short_message = hex(buffer.subarray(at, at + sm_length));
  at += sm_length;
  const tlvs = {};
  while (at + 4 <= buffer.length) {
    const tag = buffer.readUInt16BE(at).toString(16).padStart(4, '0');
    const length = buffer.readUInt16BE(at + 2);
    tlvs[tag] = hex(buffer.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return {schedule_delivery_time, validity_period, short_message, tlvs};
}

const now = () => {
  const d = new Date();
  return pad(d.getUTCFullYear() % 100, 2) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) +
         pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2);
};

const can_receive = (s) => s.bound && s.bound.command !== 'bind_transmitter' && s.socket.writable;

// The session a receipt or MO for `submitter`'s system_id goes to.
function receiver_for(submitter) {
  if (can_receive(submitter)) return submitter;
  return server.sessions.find(
      (s) => can_receive(s) && s.bound.system_id === submitter.bound.system_id);
}

// Sends a deliver_sm; prints its octets as sent and the session's bind ({kind: ...}), then
// its response.
function deliver(submitter, options, kind, what) {
  const session = receiver_for(submitter);
  if (!session) return print({no_receiver: what});
  session.deliver_sm(
      options,
      (resp) => print({deliver_sm_resp: {what, seq: resp.sequence_number,
                                         status: resp.command_status}}),
      // The encode filters have run by now: toBuffer() again gives the same octets.
      (pdu) => print({[kind]: {what, seq: pdu.sequence_number, session: session.bound.command,
                               hex: hex(pdu.toBuffer())}}));
}

let next = 0xA0000;

function receipt(submitter, pdu, number) {
  const to = pdu.destination_addr;
  const decimal = pad(number, 10);
  const undelivered = to.startsWith('4599');
  const stat = undelivered ? 'UNDELIV' : 'DELIVRD';
  const date = now();
  // Reordered, mixed case, text: before id: and holding a space.
  const text = 'stat:' + stat + ' Err:' + (undelivered ? '001' : '000') + ' Text:via node ID:' +
               decimal + ' sub:001 DLVRD:' + (undelivered ? '000' : '001') + ' Submit Date:' +
               date + ' done date:' + date;
  const options = {
    source_addr_ton: 1, source_addr_npi: 1, source_addr: to,
    dest_addr_ton: pdu.source_addr_ton, dest_addr_npi: pdu.source_addr_npi,
    destination_addr: pdu.source_addr, esm_class: 0x04, data_coding: 0,
    short_message: Buffer.from(text, 'latin1'),
  };
  if (to.startsWith('4597')) {
    options.receipted_message_id = decimal;
    options.message_state = 5;                              // UNDELIV
    options.network_error_code = Buffer.from([3, 0, 1]);  // GSM, error 1
  }
  deliver(submitter, options, 'receipt_sent', 'receipt ' + decimal + ' for ' + to);
}

function send_mos(submitter) {
  const mo = {source_addr_ton: 1, source_addr_npi: 1, dest_addr_ton: 1, dest_addr_npi: 1};
  deliver(submitter, {...mo, source_addr: '4670000001', destination_addr: '4512345',
                      data_coding: 0, short_message: 'hello gateway'}, 'mo_sent', 'mo text');
  // node-smpp's own UDH support: {udh, message} with data_coding 8 encodes the text in
  // UCS-2 after the UDH and sets esm_class 0x40.
  const parts = ['Привет, ', 'мир!'];
  parts.forEach((message, i) => deliver(submitter, {
    ...mo, source_addr: '4670000002', destination_addr: '4512345', data_coding: 8,
    short_message: {udh: Buffer.from([0x05, 0x00, 0x03, 0x02, 0x02, i + 1]), message},
  }, 'mo_sent', 'mo ucs2 part ' + (i + 1)));
  deliver(submitter, {...mo, source_addr: '4670000003', destination_addr: '4400000000',
                      data_coding: 0, short_message: 'nobody'}, 'mo_sent', 'mo unrouted');
}

function on_submit(session, pdu) {
  if (!session.bound || session.bound.command === 'bind_receiver') {
    return session.send(pdu.response({command_status: smpp.ESME_RINVBNDSTS}));
  }
  const number = ++next;
  const id = number.toString(16).toUpperCase();
  const to = pdu.destination_addr;
  print({submit: {
    id, seq: pdu.sequence_number, service_type: pdu.service_type,
    source_addr_ton: pdu.source_addr_ton, source_addr_npi: pdu.source_addr_npi,
    source_addr: pdu.source_addr, dest_addr_ton: pdu.dest_addr_ton,
    dest_addr_npi: pdu.dest_addr_npi, destination_addr: to, esm_class: pdu.esm_class,
    protocol_id: pdu.protocol_id, priority_flag: pdu.priority_flag,
    registered_delivery: pdu.registered_delivery, data_coding: pdu.data_coding,
    ...wire_fields(pdu.wire),
  }});
  const status = to.startsWith('4598') ? smpp.ESME_RINVDSTADR : smpp.ESME_ROK;
  const answer = () => {
    // A non-zero command_status makes node-smpp send the header alone (no message_id).
    session.send(pdu.response({command_status: status, message_id: id}));
    print({submit_sm_resp: {id, seq: pdu.sequence_number, status}});
  };
  if (status !== smpp.ESME_ROK) return answer();
  if (to.startsWith('4591')) {
    receipt(session, pdu, number);
    setTimeout(answer, 300);
    return;
  }
  answer();
  receipt(session, pdu, number);
  if (to === '4590000000') send_mos(session);
}

const server = smpp.createServer((session) => {
  session.bound = null;
  session.on('error', (e) => print({session_error: e.message}));
  session.on('close', () => print({closed: session.bound}));
  // node-smpp answers nothing by itself, binds included.
  const bind = (pdu) => {
    const ok = pdu.system_id === 'gw' && pdu.password === 'secret';
    print({bind: {command: pdu.command, system_id: pdu.system_id, ok}});
    if (!ok) {
      session.send(pdu.response({command_status: smpp.ESME_RINVPASWD}));
      return session.close();
    }
    session.bound = {command: pdu.command, system_id: pdu.system_id};
    session.send(pdu.response({system_id: 'nodesmsc'}));
  };
  for (const command of ['bind_transceiver', 'bind_transmitter', 'bind_receiver']) {
    session.on(command, bind);
  }
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    print({unbind: session.bound});
    session.send(pdu.response());
    session.close();
  });
  session.on('submit_sm', (pdu) => on_submit(session, pdu));
});

setTimeout(() => {
  print({self_limit: 120});
  process.exit(3);
}, 120000).unref();
process.on('SIGTERM', () => {
  print({sigterm: true});
  process.exit(0);
});
server.listen(0, '127.0.0.1', () => print({port: server.address().port}));
