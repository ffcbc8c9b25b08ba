// A node-smpp server for bench/compare and the client tests: accepts any bind, answers
// submit_sm with a counter message id, and for registered_delivery & 1 sends a DELIVRD receipt
// (deliver_sm, esm_class 0x04, receipted_message_id and message_state TLVs).
//   node server.js [--port 0] [--host 127.0.0.1] [--no-receipts] [--silent-submits]
// Prints "listening HOST:PORT" once ready.
'use strict';
const smpp = require('smpp');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const host = opt('--host', '127.0.0.1');
const port = Number(opt('--port', '0'));
const receipts = !args.includes('--no-receipts');
const silentSubmits = args.includes('--silent-submits');

let nextId = 1;
const pad = (n, w) => String(n).padStart(w, '0');
const yymmddhhmm = (d) =>
  pad(d.getUTCFullYear() % 100, 2) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCDate(), 2) +
  pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2);

const server = smpp.createServer((session) => {
  session.on('error', () => {});
  const onBind = (pdu) => session.send(pdu.response({ system_id: 'node-smpp' }));
  session.on('bind_transceiver', onBind);
  session.on('bind_transmitter', onBind);
  session.on('bind_receiver', onBind);
  session.on('enquire_link', (pdu) => session.send(pdu.response()));
  session.on('unbind', (pdu) => {
    session.send(pdu.response());
    session.close();
  });
  session.on('submit_sm', (pdu) => {
    if (silentSubmits) return;
    const id = String(nextId++);
    session.send(pdu.response({ message_id: id }));
    if (receipts && (pdu.registered_delivery & 1)) {
      const now = yymmddhhmm(new Date());
      const text = `id:${id} sub:001 dlvrd:001 submit date:${now} done date:${now} stat:DELIVRD err:000 text:`;
      session.deliver_sm({
        source_addr_ton: pdu.dest_addr_ton,
        source_addr_npi: pdu.dest_addr_npi,
        source_addr: pdu.destination_addr,
        dest_addr_ton: pdu.source_addr_ton,
        dest_addr_npi: pdu.source_addr_npi,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        short_message: text,
        receipted_message_id: id,
        message_state: 2,
      });
    }
  });
});
server.on('error', (e) => {
  console.error('server error:', e.message);
  process.exit(2);
});
server.listen(port, host, () => {
  console.log(`listening ${host}:${server.address().port}`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
