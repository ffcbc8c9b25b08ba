// node-smpp (npm smpp 0.5.1) as an ESME of a two-node smppd cluster: a transmitter bound to
// one node, a receiver to the other. Submits COUNT messages with registered_delivery 1 on
// the transmitter and waits for their receipts on the receiver. Prints one JSON line:
// the message ids acknowledged and the receipted ids seen (asserted by
// tests/interop/cluster_node_test.cpp); a stuck step ends the script (exit 2).
//
//   node cluster_client.js HOST TX_PORT RX_PORT SYSTEM_ID PASSWORD COUNT
'use strict';

const smpp = require('smpp');

const [host, txPort, rxPort, systemId, password, countText] = process.argv.slice(2);
const count = Number(countText);
if (!host || !txPort || !rxPort || !(count > 0)) {
  process.stderr.write('usage: node cluster_client.js HOST TX_PORT RX_PORT ID PW COUNT\n');
  process.exit(64);
}

const result = {acknowledged: [], receipted: [], refused: 0};
const fail = (why) => {
  result.error = String(why);
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(2);
};
setTimeout(() => fail('timed out in step ' + result.step), 40000).unref();

function open(port) {
  return new Promise((resolve, reject) => {
    const session = smpp.connect({url: 'smpp://' + host + ':' + port});
    session.on('error', reject);
    session.on('connect', () => resolve(session));
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
  });
}

function call(session, command, options) {
  return new Promise((resolve) => session.send(new smpp.PDU(command, options), resolve));
}

async function main() {
  result.step = 'bind_receiver';
  const rx = await open(rxPort);
  const seen = new Set();
  let allSeen;
  const done = new Promise((resolve) => { allSeen = resolve; });
  rx.on('deliver_sm', (pdu) => {
    rx.send(pdu.response({command_status: 0}));
    let id = pdu.receipted_message_id;
    if (!id) {
      const text = Buffer.isBuffer(pdu.short_message) ? pdu.short_message.toString('latin1')
          : (pdu.short_message && pdu.short_message.message) || String(pdu.short_message);
      const m = /id:(\S+)/.exec(text);
      id = m ? m[1] : '';
    }
    if (!seen.has(id)) {
      seen.add(id);
      result.receipted.push(id);
    }
    if (result.acknowledged.length + result.refused === count &&
        result.acknowledged.every((a) => seen.has(a))) {
      allSeen();
    }
  });
  const rxBind = await call(rx, 'bind_receiver', {system_id: systemId, password});
  if (rxBind.command_status !== 0) fail('bind_receiver: ' + rxBind.command_status);

  result.step = 'bind_transmitter';
  const tx = await open(txPort);
  const txBind = await call(tx, 'bind_transmitter', {system_id: systemId, password});
  if (txBind.command_status !== 0) fail('bind_transmitter: ' + txBind.command_status);

  result.step = 'submit';
  const answers = [];
  for (let i = 0; i < count; i++) {
    answers.push(call(tx, 'submit_sm', {
      source_addr: 'nodeclus', dest_addr_ton: 1, dest_addr_npi: 1,
      destination_addr: '4512' + String(300000 + i), registered_delivery: 1,
      short_message: 'cluster ' + i}));
  }
  for (const resp of await Promise.all(answers)) {
    if (resp.command_status === 0) {
      result.acknowledged.push(resp.message_id);
    } else {
      result.refused++;
    }
  }
  result.step = 'receipts';
  if (!result.acknowledged.every((a) => seen.has(a))) await done;
  result.step = 'unbind';
  await call(tx, 'unbind');
  await call(rx, 'unbind');
  delete result.step;
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}

main().catch((e) => fail(e.stack || e));
