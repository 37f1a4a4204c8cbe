// Import the Key-Value Store from Less.
const { kvs } = require('@chuva.io/less');

exports.process = async ({ connection_id }) => {
  console.log('Client connected: ' + connection_id);
  
  // Save your socket connection_id
  await kvs.set('DEMO_SOCKET_CONNECTION_ID', connection_id);
};
