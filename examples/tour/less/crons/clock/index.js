// Runs on the schedule in CRON_CLOCK (e.g. "rate(1 minute)"): tells every open tab the time.
const { sockets } = require('@chuva.io/less');
const clients = require('clients');

exports.process = async () => {
  const ids = await clients.list();
  await sockets.live.publish({ type: 'clock', utc: new Date().toISOString() }, ids);
  console.log(`told ${ids.length} tab(s) the time`);
};
