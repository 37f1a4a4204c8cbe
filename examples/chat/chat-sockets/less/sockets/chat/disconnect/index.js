const connections = require('connections');

exports.process = async ({ connection_id }) => {
  await connections.remove(connection_id);
  console.log(`Client disconnected: ${connection_id}`);
};
