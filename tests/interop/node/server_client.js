// node-smpp (npm smpp 0.5.1) as an independent ESME against a running `smppd serve`.
// Prints one JSON line with what the server answered; tests/interop/server_node_test.cpp
// asserts every field. It never decides pass or fail itself, except that a stuck step ends
// the script (exit 2) with what it has so far.
//
//   node server_client.js session HOST PORT plain|tls SYSTEM_ID PASSWORD
//     wrong password, bind_transceiver, submits (GSM-7, UCS-2, bad TON, data_coding 5,
//     message_payload, user_message_reference, message_class), enquire_link, query_sm,
//     bind_receiver + submit, unbind.
//   node server_client.js sigterm HOST PORT plain|tls SYSTEM_ID PASSWORD
//     binds, prints {"bound": true}, then answers the server's unbind and reports.
//   node server_client.js receipt HOST PORT plain|tls SYSTEM_ID PASSWORD
//     bind_transceiver, submit_sm to 4512345678 (registered_delivery 1, user_message_reference
//     4242) and to 4599000001 (registered_delivery 1), waits for both deliver_sm receipts,
//     answers each with deliver_sm_resp ESME_ROK, reports what node-smpp decoded, unbinds.
'use strict';

const smpp = require('smpp');

const [mode, host, port, transport, systemId, password] = process.argv.slice(2);
if (!['session', 'sigterm', 'receipt'].includes(mode) || !port || !['plain', 'tls'].includes(transport)) {
  process.stderr.write('usage: node server_client.js session|sigterm|receipt HOST PORT plain|tls ID PW\n');
  process.exit(64);
}

// smppd's TLV 0x2900 (message_class): not in node-smpp's table, an octet string here.
smpp.addTLV('message_class', {id: 0x2900, type: smpp.types.tlv.buffer});

const result = {mode, transport};
const fail = (why) => {
  result.error = String(why);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(2);
};
// Under the test's own 40 s limit, so a stuck step is reported; a sanitizer build sharing two
// cores with other tests needed more than 20 s once.
setTimeout(() => fail('timed out in step ' + result.step), 35000).unref();

// A connected session; `onPdu` sees every PDU (requests from the server included).
function open() {
  return new Promise((resolve, reject) => {
    const options = {url: (transport === 'tls' ? 'ssmpp' : 'smpp') + '://' + host + ':' + port};
    if (transport === 'tls') options.rejectUnauthorized = false;  // self-signed certificate
    const session = smpp.connect(options);
    session.closed = new Promise((resolveClosed) => session.on('close', resolveClosed));
    session.on('error', (e) => {
      session.lastError = e.message;
      reject(e);
    });
    session.on(transport === 'tls' ? 'secureConnect' : 'connect', () => resolve(session));
    // node-smpp answers nothing by itself: answer the server's enquire_link like an ESME.
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
  });
}

// Sends `command` and resolves with the response PDU (matched by sequence_number).
function call(session, command, options) {
  return new Promise((resolve, reject) => {
    const pdu = new smpp.PDU(command, options || {});
    if (!session.send(pdu, (resp) => resolve({request: pdu, response: resp}))) {
      reject(new Error(command + ': socket not writable'));
    }
  });
}

// True when the socket closes within `ms`.
function closesWithin(session, ms) {
  return Promise.race([
    session.closed.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
}

// What the tests compare for one response.
function summary(exchange) {
  const r = exchange.response;
  const s = {
    command: r.command,
    command_status: r.command_status,
    same_sequence: r.sequence_number === exchange.request.sequence_number,
    command_length: r.command_length,
  };
  if ('message_id' in r) s.message_id = r.message_id;
  return s;
}

const base = {
  source_addr_ton: 5,
  source_addr_npi: 0,
  source_addr: 'nodesmpp',
  dest_addr_ton: 1,
  dest_addr_npi: 1,
  destination_addr: '4512345678',
};
const submit = (extra) => Object.assign({}, base, extra);

async function sessionMode() {
  result.step = 'wrong password';
  {
    const s = await open();
    const bind = await call(s, 'bind_transceiver',
        {system_id: systemId, password: password + 'x', interface_version: 0x34});
    result.wrong_password = summary(bind);
    result.wrong_password.closed = await closesWithin(s, 3000);
    s.destroy();
  }

  result.step = 'bind_transceiver';
  const s = await open();
  const bind = await call(s, 'bind_transceiver',
      {system_id: systemId, password, interface_version: 0x34});
  result.bind = summary(bind);
  result.bind.system_id = bind.response.system_id;
  result.bind.sc_interface_version = bind.response.sc_interface_version;

  const submits = {
    // GSM 03.38 with '@' (0x00) and '{' / '€' (escape 0x1B + extension table).
    gsm7: submit({data_coding: 0, short_message: 'Hello @ node-smpp {ok} 5€'}),
    // UTF-16BE with Cyrillic, CJK and an emoji (a surrogate pair).
    ucs2: submit({data_coding: 8, short_message: 'Привет, мир! 你好 \u{1F600}'}),
    bad_ton: submit({dest_addr_ton: 2, short_message: 'bad ton'}),
    dcs5: submit({data_coding: 5, short_message: Buffer.from('hi')}),
    payload300: submit({data_coding: 0,
      message_payload: 'The quick brown fox jumps over the lazy dog. '.repeat(7).slice(0, 300)}),
    umr: submit({short_message: 'with a reference', user_message_reference: 4242}),
    class_unknown: submit({short_message: 'gold', message_class: Buffer.from('gold')}),
    class_known: submit({short_message: 'premium', message_class: Buffer.from('premium')}),
  };
  result.submit = {};
  for (const [name, options] of Object.entries(submits)) {
    result.step = 'submit ' + name;
    const exchange = await call(s, 'submit_sm', options);
    result.submit[name] = summary(exchange);
    // What node-smpp put on the wire, so the test can tell the request was as intended.
    result.submit[name].request_hex = exchange.request.toBuffer().toString('hex');
  }

  result.step = 'enquire_link';
  result.enquire_link = summary(await call(s, 'enquire_link'));

  result.step = 'query_sm';
  result.query_sm = summary(await call(s, 'query_sm',
      {message_id: result.submit.gsm7.message_id || '1', source_addr_ton: 5, source_addr: 'nodesmpp'}));

  result.step = 'receiver';
  {
    const r = await open();
    const rbind = await call(r, 'bind_receiver',
        {system_id: systemId, password, interface_version: 0x34});
    result.receiver_bind = summary(rbind);
    result.receiver_submit = summary(await call(r, 'submit_sm', submit({short_message: 'rx'})));
    result.receiver_unbind = summary(await call(r, 'unbind'));
    r.destroy();
  }

  result.step = 'unbind';
  result.unbind = summary(await call(s, 'unbind'));
  result.unbind.closed = await closesWithin(s, 3000);
  delete result.step;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

async function sigtermMode() {
  result.step = 'bind';
  const s = await open();
  const bind = await call(s, 'bind_transceiver',
      {system_id: systemId, password, interface_version: 0x34});
  result.bind = summary(bind);
  result.step = 'waiting for unbind';
  const unbind = new Promise((resolve) => s.on('unbind', resolve));
  process.stdout.write(JSON.stringify({bound: bind.response.command_status === 0}) + '\n');
  const pdu = await unbind;
  const started = Date.now();
  result.unbind = {command: pdu.command, command_length: pdu.command_length,
                   sequence_number: pdu.sequence_number};
  s.send(pdu.response());  // unbind_resp, ESME_ROK
  result.step = 'waiting for close';
  result.closed_after_unbind_resp = await closesWithin(s, 5000);
  result.close_ms = Date.now() - started;
  delete result.step;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

// What node-smpp decoded from one deliver_sm (a delivery receipt).
function receiptSummary(pdu) {
  // node-smpp's message filter gives {message: string} (or {udh, message}); keep the text.
  let text = pdu.short_message;
  if (text && typeof text === 'object' && !Buffer.isBuffer(text) && 'message' in text) {
    text = text.message;
  }
  if (Buffer.isBuffer(text)) text = text.toString('latin1');
  const r = {
    command: pdu.command,
    command_status: pdu.command_status,
    command_length: pdu.command_length,
    service_type: pdu.service_type,
    esm_class: pdu.esm_class,
    data_coding: pdu.data_coding,
    protocol_id: pdu.protocol_id,
    registered_delivery: pdu.registered_delivery,
    source_addr_ton: pdu.source_addr_ton,
    source_addr_npi: pdu.source_addr_npi,
    source_addr: pdu.source_addr,
    dest_addr_ton: pdu.dest_addr_ton,
    dest_addr_npi: pdu.dest_addr_npi,
    destination_addr: pdu.destination_addr,
    short_message: text,
  };
  for (const tlv of ['receipted_message_id', 'message_state', 'user_message_reference']) {
    if (tlv in pdu) r[tlv] = pdu[tlv];
  }
  if ('network_error_code' in pdu) {
    const v = pdu.network_error_code;
    r.network_error_code = Buffer.isBuffer(v) ? v.toString('hex') : v;
  }
  return r;
}

async function receiptMode() {
  result.step = 'bind_transceiver';
  const s = await open();
  // Every deliver_sm is answered at once (deliver_sm_resp ESME_ROK) and recorded.
  result.receipts = [];
  let wanted = 2;
  let arrived;
  const bothArrived = new Promise((resolve) => { arrived = resolve; });
  s.on('deliver_sm', (pdu) => {
    result.receipts.push(receiptSummary(pdu));
    s.send(pdu.response({command_status: 0}));
    if (result.receipts.length === wanted) arrived();
  });
  const bind = await call(s, 'bind_transceiver',
      {system_id: systemId, password, interface_version: 0x34});
  result.bind = summary(bind);

  result.step = 'submit delivered';
  result.submit_delivered = summary(await call(s, 'submit_sm', submit({
    short_message: 'receipt please', registered_delivery: 1, user_message_reference: 4242})));
  result.step = 'submit undeliverable';
  result.submit_undeliverable = summary(await call(s, 'submit_sm', submit({
    destination_addr: '4599000001', short_message: 'fails', registered_delivery: 1})));

  result.step = 'waiting for 2 deliver_sm';
  await bothArrived;
  // Both were acknowledged: nothing more may arrive (only an unacknowledged receipt repeats).
  result.step = 'watching for repeats';
  wanted = -1;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  result.receipts_after_ack = result.receipts.length - 2;

  result.step = 'unbind';
  result.unbind = summary(await call(s, 'unbind'));
  result.unbind.closed = await closesWithin(s, 3000);
  delete result.step;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

const modes = {session: sessionMode, sigterm: sigtermMode, receipt: receiptMode};
modes[mode]().catch((e) => fail(e.stack || e));
