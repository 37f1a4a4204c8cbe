const clients = require('clients');

exports.process = async ({ connection_id }) => {
  await clients.add(connection_id);
};
