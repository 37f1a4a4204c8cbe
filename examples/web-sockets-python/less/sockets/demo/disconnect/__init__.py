def process(data):
    connection_id = data.get('connection_id')
    print(f'Client disconnected: {connection_id}')
