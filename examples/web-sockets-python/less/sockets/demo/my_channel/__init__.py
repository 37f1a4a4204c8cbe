from less import sockets

def process(input_data):
    data = input_data.get('data')
    connection_id = input_data.get('connection_id')
    sockets.demo.publish(f'You said: "{data}"', [connection_id])
