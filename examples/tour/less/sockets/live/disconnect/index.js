const clients = require('clients');

exports.process = async ({ connection_id }) => {
  await clients.remove(connection_id);
};
