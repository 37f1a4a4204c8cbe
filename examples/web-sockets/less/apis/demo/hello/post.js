const { sockets, kvs } = require('@chuva.io/less');

exports.process = async (request, response) => {
  // Get the connection_id from kvs.
  const CONNECTION_ID = await kvs.get('DEMO_SOCKET_CONNECTION_ID');

  // Publish a message to the specified connections to the `demo` socket.
  await sockets.demo.publish(
    'Hello from POST /hello',
    [CONNECTION_ID]
  );

  response.statusCode = 204;
  return response;
};
