// node-smpp (npm smpp 0.5.1) as an independent upstream SMSC for smppd's carrier side.
// Prints {"port": N} once listening on 127.0.0.1, then one JSON line per event; it never
// decides pass or fail: tests/interop/carrier_node_test.cpp asserts what it printed.
//
//   node upstream_smsc.js
//
// Binds system_id "gw" / password "secret" (any bind type; else ESME_RINVPASWD). Each
// submit_sm is printed ({"submit": ...}) and answered with a HEX id in upper case; its
// receipt carries the same number in DECIMAL with leading zeros, with the Appendix B
// fields reordered and in mixed case. By destination prefix:
//   4598  submit_sm_resp ESME_RINVDSTADR, no receipt
//   4591  the receipt first, the submit_sm_resp 300 ms later
//   4599  stat:UNDELIV err:001
//   4597  TLVs (receipted_message_id in decimal, message_state 5, network_error_code)
//         that contradict the text's stat:DELIVRD: the TLVs must win
//   4590000000  also sends three MOs: a GSM text, a concatenated UCS-2 in two parts, and
//         one to 4400000000 (no mo_route there)
//   else  stat:DELIVRD
// Every deliver_sm_resp is printed with its command_status.
'use strict';

const smpp = require('smpp');

const print = (o) => process.stdout.write(JSON.stringify(o) + '\n');
setTimeout(() => process.exit(0), 120000).unref();
process.on('SIGTERM', () => process.exit(0));

let next = 0xA0000;
const hex = (b) => Buffer.from(b).toString('hex');
const pad = (n, w) => String(n).padStart(w, '0');
const now = () => {
  const d = new Date();
  return pad(d.getUTCFullYear() % 100, 2) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) +
         pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2);
};

function deliver(session, options, what) {
  session.deliver_sm(options, (resp) => print({deliver_sm_resp: {what, status: resp.command_status}}));
}

function receipt(session, pdu, number) {
  const to = pdu.destination_addr;
  const decimal = pad(number, 10);
  const stat = to.startsWith('4599') ? 'UNDELIV' : 'DELIVRD';
  const err = to.startsWith('4599') ? '001' : '000';
  const text = 'stat:' + stat + ' Err:' + err + ' Text:receipt ID:' + decimal +
               ' sub:001 DLVRD:' + (stat === 'DELIVRD' ? '001' : '000') +
               ' submit date:' + now() + ' done date:' + now();
  const options = {
    source_addr_ton: 1, source_addr_npi: 1, source_addr: to,
    dest_addr_ton: pdu.source_addr_ton, dest_addr_npi: pdu.source_addr_npi,
    destination_addr: pdu.source_addr, esm_class: 0x04, short_message: text,
  };
  if (to.startsWith('4597')) {
    options.receipted_message_id = decimal;
    options.message_state = 5;
    options.network_error_code = Buffer.from([3, 0, 1]);
  }
  deliver(session, options, 'receipt ' + decimal);
}

function send_mos(session) {
  deliver(session, {source_addr_ton: 1, source_addr_npi: 1, source_addr: '4670000001',
                    dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4512345',
                    data_coding: 0, short_message: Buffer.from('hello gateway')}, 'mo text');
  const parts = [[0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x04, 0x1F, 0x04, 0x40],
                 [0x05, 0x00, 0x03, 0x2A, 0x02, 0x02, 0x04, 0x38, 0x00, 0x21]];
  parts.forEach((bytes, i) => deliver(session, {
    source_addr_ton: 1, source_addr_npi: 1, source_addr: '4670000002', dest_addr_ton: 1,
    dest_addr_npi: 1, destination_addr: '4512345', esm_class: 0x40, data_coding: 8,
    short_message: Buffer.from(bytes)}, 'mo ucs2 part ' + (i + 1)));
  deliver(session, {source_addr_ton: 1, source_addr_npi: 1, source_addr: '4670000003',
                    dest_addr_ton: 1, dest_addr_npi: 1, destination_addr: '4400000000',
                    short_message: Buffer.from('nobody')}, 'mo unrouted');
}

const server = smpp.createServer((session) => {
  session.on('error', () => {});
  const bind = (pdu) => {
    const ok = pdu.system_id === 'gw' && pdu.password === 'secret';
    session.send(pdu.response({command_status: ok ? smpp.ESME_ROK : smpp.ESME_RINVPASWD}));
    print({bind: {command: pdu.command, ok}});
    if (!ok) session.close();
  };
  session.on('bind_transceiver', bind);
  session.on('bind_transmitter', bind);
  session.on('bind_receiver', bind);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on('deliver_sm_resp', () => {});
  session.on('submit_sm', (pdu) => {
    const number = ++next;
    const to = pdu.destination_addr;
    const tlvs = {};
    for (const key of ['user_message_reference', 'dest_addr_subunit', 'message_payload']) {
      if (pdu[key] !== undefined) tlvs[key] = String(pdu[key]);
    }
    print({submit: {
      id: number.toString(16).toUpperCase(), source_addr: pdu.source_addr,
      source_addr_ton: pdu.source_addr_ton, destination_addr: to,
      dest_addr_ton: pdu.dest_addr_ton, dest_addr_npi: pdu.dest_addr_npi,
      esm_class: pdu.esm_class, data_coding: pdu.data_coding, priority_flag: pdu.priority_flag,
      registered_delivery: pdu.registered_delivery,
      short_message: hex(pdu.short_message && pdu.short_message.message !== undefined
                             ? Buffer.from(pdu.short_message.message) : Buffer.alloc(0)),
      tlvs, unknown_tlvs: Object.keys(pdu).filter((k) => /^0x|^tlv/i.test(k)),
    }});
    const answer = () => session.send(pdu.response({
      command_status: to.startsWith('4598') ? smpp.ESME_RINVDSTADR : smpp.ESME_ROK,
      message_id: number.toString(16).toUpperCase(),
    }));
    if (to.startsWith('4598')) return answer();
    if (to.startsWith('4591')) {
      receipt(session, pdu, number);
      setTimeout(answer, 300);
      return;
    }
    answer();
    receipt(session, pdu, number);
    if (to === '4590000000') send_mos(session);
  });
});
server.listen(0, '127.0.0.1', () => print({port: server.address().port}));
