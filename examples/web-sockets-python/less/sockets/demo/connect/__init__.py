from less import kvs

def process(data):
    connection_id = data.get('connection_id')
    print(f'Client connected: {connection_id}')
    kvs.set('DEMO_SOCKET_CONNECTION_ID', connection_id)
