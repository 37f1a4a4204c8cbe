exports.process = async ({ connection_id }) => {
  console.log('Client disconnected: ' + connection_id);
  // Delete the connection_id from your database.
};
