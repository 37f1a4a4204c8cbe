const connections = require('connections');

exports.process = async ({ connection_id }) => {
  await connections.add(connection_id);
  console.log(`Client connected: ${connection_id}`);
};
