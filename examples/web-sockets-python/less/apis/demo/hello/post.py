from less import kvs, sockets

def process(request, response):
    connection_id = kvs.get('DEMO_SOCKET_CONNECTION_ID')
    sockets.demo.publish('Hello from POST /hello', [connection_id])
    response['statusCode'] = 204
    return response
